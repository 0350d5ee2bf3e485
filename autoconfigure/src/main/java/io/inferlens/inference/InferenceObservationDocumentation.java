package io.inferlens.inference;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * Documentation of the observation of a model call, named after the OpenTelemetry GenAI
 * semantic conventions v1.41.
 *
 * @author Inferlens
 */
public enum InferenceObservationDocumentation implements ObservationDocumentation {

    /**
     * A call to a generative AI model.
     */
    INFERENCE {
        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultInferenceObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return LowCardinalityKeyNames.values();
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return HighCardinalityKeyNames.values();
        }
    };

    /**
     * Keys of span attributes that are also metric tags.
     */
    public enum LowCardinalityKeyNames implements KeyName {

        /**
         * Name of the operation, such as {@code chat} or {@code embeddings}.
         */
        OPERATION_NAME {
            @Override
            public String asString() {
                return "gen_ai.operation.name";
            }
        },

        /**
         * Provider of the model, such as {@code openai}.
         */
        PROVIDER_NAME {
            @Override
            public String asString() {
                return "gen_ai.provider.name";
            }
        },

        /**
         * Model the request was made to.
         */
        REQUEST_MODEL {
            @Override
            public String asString() {
                return "gen_ai.request.model";
            }
        },

        /**
         * Model that generated the response.
         */
        RESPONSE_MODEL {
            @Override
            public String asString() {
                return "gen_ai.response.model";
            }
        },

        /**
         * Class of the error the call ended with: the fully qualified name of the
         * exception.
         */
        ERROR_TYPE {
            @Override
            public String asString() {
                return "error.type";
            }
        }

    }

    /**
     * Keys of span attributes that are never metric tags.
     */
    public enum HighCardinalityKeyNames implements KeyName {

        /**
         * Identifier of the conversation.
         */
        CONVERSATION_ID {
            @Override
            public String asString() {
                return "gen_ai.conversation.id";
            }
        },

        /**
         * Input tokens, including those read from a cache.
         */
        USAGE_INPUT_TOKENS {
            @Override
            public String asString() {
                return "gen_ai.usage.input_tokens";
            }
        },

        /**
         * Output tokens.
         */
        USAGE_OUTPUT_TOKENS {
            @Override
            public String asString() {
                return "gen_ai.usage.output_tokens";
            }
        },

        /**
         * Input tokens read from the provider's cache.
         */
        USAGE_CACHE_READ_INPUT_TOKENS {
            @Override
            public String asString() {
                return "gen_ai.usage.cache_read.input_tokens";
            }
        },

        /**
         * Why the model stopped, one reason per generation.
         */
        RESPONSE_FINISH_REASONS {
            @Override
            public String asString() {
                return "gen_ai.response.finish_reasons";
            }
        },

        /**
         * Whether the response was streamed.
         */
        REQUEST_STREAM {
            @Override
            public String asString() {
                return "gen_ai.request.stream";
            }
        },

        /**
         * Seconds from the request to the first chunk of a streamed response.
         */
        RESPONSE_TIME_TO_FIRST_CHUNK {
            @Override
            public String asString() {
                return "gen_ai.response.time_to_first_chunk";
            }
        },

        /**
         * The input sent to the model, only when content capture is enabled.
         */
        INPUT_MESSAGES {
            @Override
            public String asString() {
                return "gen_ai.input.messages";
            }
        },

        /**
         * The output of the model, only when content capture is enabled.
         */
        OUTPUT_MESSAGES {
            @Override
            public String asString() {
                return "gen_ai.output.messages";
            }
        }

    }

}
