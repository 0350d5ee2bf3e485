/**
 * Spring AOP support of Inferlens' annotations: one resolver of annotation metadata, the
 * interceptors and static-pointcut advisors of {@code @Traced}, {@code @TracedInference}
 * and {@code @TracedRouting}, and an AspectJ aspect for applications that weave with
 * AspectJ.
 */
@NullMarked
package io.inferlens.spring.aop;

import org.jspecify.annotations.NullMarked;
