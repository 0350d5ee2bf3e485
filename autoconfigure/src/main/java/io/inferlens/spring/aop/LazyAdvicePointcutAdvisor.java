package io.inferlens.spring.aop;

import java.util.function.Supplier;

import org.aopalliance.aop.Advice;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;

/**
 * An advisor with a fixed pointcut that obtains its advice when it is first needed, so
 * that creating the advisor, which auto-proxy creators do early, creates none of the
 * advice's collaborators (the observation registry among them) before their own
 * post-processors are ready. Base of the advisors of Inferlens' annotations.
 *
 * @author Inferlens
 */
public abstract class LazyAdvicePointcutAdvisor extends AbstractPointcutAdvisor {

    private final transient Pointcut pointcut;

    private final transient Supplier<? extends Advice> adviceSupplier;

    private transient volatile @Nullable Advice advice;

    /**
     * Create an advisor.
     * @param pointcut the pointcut
     * @param advice supplies the advice, once
     */
    protected LazyAdvicePointcutAdvisor(Pointcut pointcut, Supplier<? extends Advice> advice) {
        this.pointcut = pointcut;
        this.adviceSupplier = advice;
    }

    @Override
    public Pointcut getPointcut() {
        return this.pointcut;
    }

    @Override
    public Advice getAdvice() {
        Advice advice = this.advice;
        if (advice == null) {
            advice = this.adviceSupplier.get();
            this.advice = advice;
        }
        return advice;
    }

}
