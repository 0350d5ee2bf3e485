package io.inferlens.benchmarks;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@link ApplicationContextState} of a variant whose bean is the {@link InferenceWork}
 * model call.
 *
 * @author Inferlens
 */
public abstract class InferenceContextState extends ApplicationContextState {

    private static final InferenceWork.ChatRequest VERIFICATION_REQUEST = new InferenceWork.ChatRequest(
            InferenceWork.MODEL, "verify");

    /**
     * The bean to call, as the application context made it.
     */
    InferenceWork inference;

    /**
     * Create the state of the given variant.
     * @param variant the variant
     */
    protected InferenceContextState(Variant variant) {
        super(variant);
    }

    @Override
    protected void bind(ConfigurableApplicationContext context) {
        this.inference = context.getBean(InferenceWork.class);
    }

    @Override
    protected Object bean() {
        return this.inference;
    }

    @Override
    protected Object call(long input) {
        return this.inference.chat(VERIFICATION_REQUEST);
    }

}
