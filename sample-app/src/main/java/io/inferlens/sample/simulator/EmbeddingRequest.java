package io.inferlens.sample.simulator;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

import tools.jackson.databind.JsonNode;

/**
 * An embeddings request as the simulator reads it, and the deterministic vectors it
 * answers with.
 *
 * @param model the model asked for
 * @param inputs the texts to embed, a token array as its JSON text
 * @param base64 whether the vectors are sent as base64 of little-endian float32 bytes
 * rather than as arrays of numbers
 * @param dimensions the length of each vector
 * @author Inferlens
 */
record EmbeddingRequest(String model, List<Input> inputs, boolean base64, int dimensions) {

    /**
     * Length of a vector when the request does not ask for one.
     */
    static final int DEFAULT_DIMENSIONS = 8;

    private static final int MAX_DIMENSIONS = 4096;

    static EmbeddingRequest from(JsonNode body) {
        if (!body.isObject()) {
            throw new BadRequestException("The request body must be a JSON object", null);
        }
        String model = body.path("model").stringValue("");
        if (model.isBlank()) {
            throw new BadRequestException("model must be a non-blank string", "model");
        }
        String format = body.path("encoding_format").stringValue("float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw new BadRequestException("encoding_format must be float or base64", "encoding_format");
        }
        JsonNode dimensions = body.path("dimensions");
        int length = DEFAULT_DIMENSIONS;
        if (!dimensions.isMissingNode() && !dimensions.isNull()) {
            if (!dimensions.isInt() || dimensions.intValue() < 1 || dimensions.intValue() > MAX_DIMENSIONS) {
                throw new BadRequestException("dimensions must be an integer from 1 to " + MAX_DIMENSIONS,
                        "dimensions");
            }
            length = dimensions.intValue();
        }
        return new EmbeddingRequest(model, inputs(body.path("input")), format.equals("base64"), length);
    }

    /**
     * The inputs of a request: a string, an array of strings, an array of token ids or an
     * array of such arrays.
     */
    private static List<Input> inputs(JsonNode input) {
        if (input.isString()) {
            return List.of(Input.text(input.stringValue()));
        }
        if (!input.isArray() || input.isEmpty()) {
            throw new BadRequestException("input must be a string, an array of strings or of token arrays", "input");
        }
        if (isTokenArray(input)) {
            return List.of(Input.tokens(input));
        }
        List<Input> inputs = new ArrayList<>();
        for (JsonNode item : input) {
            if (item.isString()) {
                inputs.add(Input.text(item.stringValue()));
            }
            else if (isTokenArray(item)) {
                inputs.add(Input.tokens(item));
            }
            else {
                throw new BadRequestException("input must be a string, an array of strings or of token arrays",
                        "input");
            }
        }
        return List.copyOf(inputs);
    }

    private static boolean isTokenArray(JsonNode node) {
        if (!node.isArray() || node.isEmpty()) {
            return false;
        }
        for (JsonNode token : node) {
            if (!token.isIntegralNumber()) {
                return false;
            }
        }
        return true;
    }

    /**
     * A unit-length vector derived from a hash of the text: the same text gives the same
     * vector.
     * @param input the text
     * @return the vector
     */
    float[] vector(Input input) {
        SplittableRandom random = new SplittableRandom(seed(input.text()));
        double[] values = new double[this.dimensions];
        double norm = 0;
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble(-1, 1);
            norm += values[i] * values[i];
        }
        norm = Math.sqrt(norm);
        float[] vector = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            vector[i] = (float) (values[i] / norm);
        }
        return vector;
    }

    private static long seed(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(hash).getLong();
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", ex);
        }
    }

    /**
     * A vector in OpenAI's base64 encoding: its float32 values, little-endian.
     * @param vector the vector
     * @return the base64 text
     */
    static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : vector) {
            bytes.putFloat(value);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    /**
     * One input.
     *
     * @param text the text, or the token ids as a JSON array
     * @param tokens its number of tokens: {@link Tokens#count} of a text, the length of a
     * token array
     */
    record Input(String text, int tokens) {

        static Input text(String text) {
            return new Input(text, Tokens.count(text));
        }

        static Input tokens(JsonNode ids) {
            return new Input(ids.toString(), ids.size());
        }

    }

}
