package io.inferlens.inference;

import java.util.Arrays;

import io.inferlens.inference.InferenceObservationDocumentation.HighCardinalityKeyNames;
import io.inferlens.inference.InferenceObservationDocumentation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

/**
 * Default {@link InferenceObservationConvention}: the span is named
 * {@code {gen_ai.operation.name} {gen_ai.request.model}} (the operation alone when the
 * model is unknown), with the GenAI string attributes that are known.
 *
 * @author Inferlens
 */
public class DefaultInferenceObservationConvention implements InferenceObservationConvention {

    /**
     * The shared instance.
     */
    public static final DefaultInferenceObservationConvention INSTANCE = new DefaultInferenceObservationConvention();

    @Override
    public String getName() {
        return InferenceObservationContext.NAME;
    }

    @Override
    public String getContextualName(InferenceObservationContext context) {
        String model = context.getRequestModel();
        return (model != null) ? context.getOperationName() + " " + model : context.getOperationName();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(InferenceObservationContext context) {
        // One array sorted once, rather than a new KeyValues per optional key
        KeyValue[] keyValues = new KeyValue[5];
        int count = 0;
        keyValues[count++] = LowCardinalityKeyNames.OPERATION_NAME.withValue(context.getOperationName());
        keyValues[count++] = LowCardinalityKeyNames.PROVIDER_NAME.withValue(context.getProvider());
        String requestModel = context.getRequestModel();
        if (requestModel != null) {
            keyValues[count++] = LowCardinalityKeyNames.REQUEST_MODEL.withValue(requestModel);
        }
        String responseModel = context.getResponseModel();
        if (responseModel != null) {
            keyValues[count++] = LowCardinalityKeyNames.RESPONSE_MODEL.withValue(responseModel);
        }
        String errorType = context.getErrorType();
        if (errorType != null) {
            keyValues[count++] = LowCardinalityKeyNames.ERROR_TYPE.withValue(errorType);
        }
        return KeyValues.of((count < keyValues.length) ? Arrays.copyOf(keyValues, count) : keyValues);
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(InferenceObservationContext context) {
        KeyValues keyValues = KeyValues.empty();
        String conversationId = context.getConversationId();
        if (conversationId != null) {
            keyValues = keyValues.and(HighCardinalityKeyNames.CONVERSATION_ID.withValue(conversationId));
        }
        String input = context.getInputContent();
        if (input != null) {
            keyValues = keyValues.and(HighCardinalityKeyNames.INPUT_MESSAGES.withValue(input));
        }
        String output = context.getOutputContent();
        if (output != null) {
            keyValues = keyValues.and(HighCardinalityKeyNames.OUTPUT_MESSAGES.withValue(output));
        }
        return keyValues;
    }

}
