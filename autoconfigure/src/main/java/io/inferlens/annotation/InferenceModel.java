package io.inferlens.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the argument of a {@link TracedInference @TracedInference} method that names the
 * model the request is made to: a {@code String}, or a request object with a
 * {@code model()} or {@code getModel()} accessor (such as an OpenAI-shaped request
 * record).
 *
 * @author Inferlens
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface InferenceModel {

}
