package io.inferlens.benchmarks;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@link ApplicationContextState} of a variant whose bean is a {@link Work}.
 *
 * @author Inferlens
 */
public abstract class WorkContextState extends ApplicationContextState {

    /**
     * The bean to call, as the application context made it.
     */
    Work work;

    /**
     * Create the state of the given variant.
     * @param variant the variant
     */
    protected WorkContextState(Variant variant) {
        super(variant);
    }

    @Override
    protected void bind(ConfigurableApplicationContext context) {
        this.work = context.getBean(Work.class);
    }

    @Override
    protected Object bean() {
        return this.work;
    }

    @Override
    protected Object call(long input) {
        return this.work.work(input);
    }

}
