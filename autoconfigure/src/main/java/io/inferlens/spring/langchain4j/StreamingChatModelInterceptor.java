package io.inferlens.spring.langchain4j;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.inferlens.langchain4j.StreamingCall;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.StaticMethodMatcherPointcut;

/**
 * Watches the response handlers given to the {@code chat} methods of LangChain4j
 * streaming chat model beans, so that {@code InferlensChatModelListener} knows when the
 * first partial response of each call arrives ({@link StreamingCall}). The caller's
 * handler gets every callback unchanged.
 *
 * @author Inferlens
 */
public class StreamingChatModelInterceptor implements MethodInterceptor {

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        Object[] arguments = invocation.getArguments();
        int last = arguments.length - 1;
        if (last < 0 || !(arguments[last] instanceof StreamingChatResponseHandler handler)) {
            return invocation.proceed();
        }
        StreamingCall.Watched watched = StreamingCall.watch(handler);
        arguments[last] = watched.handler();
        try {
            return invocation.proceed();
        }
        catch (Throwable ex) {
            watched.failed(ex);
            throw ex;
        }
        finally {
            watched.done();
        }
    }

    /**
     * The {@code chat} methods, taking a response handler last, of the streaming chat
     * models that can be proxied.
     */
    public static final class Pointcut extends StaticMethodMatcherPointcut {

        public Pointcut() {
            setClassFilter((type) -> StreamingChatModel.class.isAssignableFrom(type)
                    && !Modifier.isFinal(type.getModifiers()));
        }

        @Override
        public boolean matches(Method method, Class<?> targetClass) {
            Class<?>[] parameters = method.getParameterTypes();
            return method.getName().equals("chat") && parameters.length > 0
                    && parameters[parameters.length - 1] == StreamingChatResponseHandler.class;
        }

    }

}
