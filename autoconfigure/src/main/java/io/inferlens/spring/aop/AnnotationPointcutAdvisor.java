package io.inferlens.spring.aop;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.aopalliance.aop.Advice;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;

/**
 * Base of the advisors of Inferlens' annotations. Its pointcut is static: decided once
 * per method and class when the proxy is built, through {@link AnnotatedMethods},
 * skipping the classes with no annotated member without looking at their methods; an
 * invalid annotation fails there, naming the method. The advice is obtained when it is
 * first needed, so that creating the advisor, which auto-proxy creators do early, creates
 * none of the advice's collaborators (the observation registry among them) before their
 * own post-processors are ready.
 *
 * @param <A> the type of annotation
 * @author Inferlens
 */
public abstract class AnnotationPointcutAdvisor<A extends Annotation> extends AbstractPointcutAdvisor {

    private final transient Pointcut pointcut;

    private final transient Supplier<? extends Advice> adviceSupplier;

    private transient volatile @Nullable Advice advice;

    /**
     * Create an advisor.
     * @param methods the resolver of the annotation
     * @param validator checks what was found, throwing {@link IllegalStateException} for
     * an invalid annotation
     * @param advice supplies the advice, once
     */
    protected AnnotationPointcutAdvisor(AnnotatedMethods<A> methods, Consumer<AnnotatedMethods.Found<A>> validator,
            Supplier<? extends Advice> advice) {
        this.pointcut = new AnnotatedMethodPointcut<>(methods, validator);
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

    private static final class AnnotatedMethodPointcut<A extends Annotation> extends StaticMethodMatcherPointcut {

        private final AnnotatedMethods<A> methods;

        private final Consumer<AnnotatedMethods.Found<A>> validator;

        AnnotatedMethodPointcut(AnnotatedMethods<A> methods, Consumer<AnnotatedMethods.Found<A>> validator) {
            this.methods = methods;
            this.validator = validator;
            setClassFilter(methods::isCandidate);
        }

        @Override
        public boolean matches(Method method, Class<?> targetClass) {
            AnnotatedMethods.Found<A> found = this.methods.find(method, targetClass);
            if (found == null) {
                return false;
            }
            this.validator.accept(found);
            return true;
        }

    }

}
