package io.inferlens.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the argument of a {@link TracedInference @TracedInference} method that holds the
 * conversation's identifier, recorded as the span attribute
 * {@code gen_ai.conversation.id} (never as a metric tag). A {@code null} argument records
 * nothing.
 *
 * @author Inferlens
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface ConversationId {

}
