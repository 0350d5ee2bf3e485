package io.inferlens.errors;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ErrorFingerprints}.
 *
 * @author Inferlens
 */
class ErrorFingerprintsTests {

    @Test
    void topApplicationFrameSkipsInferlensSpringFacingClasses() {
        IllegalStateException error = withStack(frame("jdk.proxy2.$Proxy42", "complete", -1),
                frame("io.inferlens.spring.aop.TracedMethodInterceptor", "invoke", 60),
                frame("io.inferlens.observation.ObservationTemplate", "observe", 140),
                frame("io.inferlens.spring.web.servlet.ServletErrorCaptureFilter", "doFilterInternal", 55),
                frame("com.example.Gateway", "chat", 23));
        assertThat(new ErrorFingerprints().topApplicationFrame(error))
            .isEqualTo("com.example.Gateway.chat(Gateway.java:23)");
    }

    @Test
    void topApplicationFrameSkipsFrameworksInstrumentationAndProxies() {
        IllegalStateException error = withStack(frame("java.util.concurrent.FutureTask", "run", 264),
                frame("org.springframework.aop.framework.ReflectiveMethodInvocation", "proceed", 186),
                frame("io.inferlens.traced.TracedObserver", "observe", 130),
                frame("com.example.Router$$SpringCGLIB$$0", "route", -1), frame("com.example.Router", "route", 42),
                frame("com.example.Controller", "chat", 17));
        ErrorFingerprints fingerprints = new ErrorFingerprints();
        String frame = fingerprints.topApplicationFrame(error);
        assertThat(frame).isEqualTo("com.example.Router.route(Router.java:42)");
        assertThat(fingerprints.fingerprint(error, frame))
            .isEqualTo("java.lang.IllegalStateException@com.example.Router.route(Router.java:42)");
    }

    @Test
    void configuredPackagesAreTheOnlyApplicationCode() {
        IllegalStateException error = withStack(frame("com.vendor.Client", "call", 10),
                frame("com.example.gateway.Router", "route", 42));
        assertThat(new ErrorFingerprints(List.of("com.example")).topApplicationFrame(error))
            .isEqualTo("com.example.gateway.Router.route(Router.java:42)");
        assertThat(new ErrorFingerprints().topApplicationFrame(error))
            .isEqualTo("com.vendor.Client.call(Client.java:10)");
    }

    @Test
    void firstFrameWhenNoneIsTheApplicationsAndNullWithoutAStackTrace() {
        IllegalStateException frameworkOnly = withStack(frame("org.springframework.web.Handler", "handle", 7));
        assertThat(new ErrorFingerprints().topApplicationFrame(frameworkOnly))
            .isEqualTo("org.springframework.web.Handler.handle(Handler.java:7)");
        IllegalStateException noStack = withStack();
        assertThat(new ErrorFingerprints().topApplicationFrame(noStack)).isNull();
        assertThat(new ErrorFingerprints().fingerprint(noStack, null)).isEqualTo("java.lang.IllegalStateException");
    }

    @Test
    void sameThrowSiteGivesTheSameFingerprintAndAnotherSiteAnother() {
        ErrorFingerprints fingerprints = new ErrorFingerprints();
        List<String> sameSite = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            IllegalStateException error = new IllegalStateException("call " + i);
            sameSite.add(fingerprints.fingerprint(error, fingerprints.topApplicationFrame(error)));
        }
        IllegalStateException other = new IllegalStateException();
        assertThat(sameSite.get(0)).isEqualTo(sameSite.get(1))
            .isNotEqualTo(fingerprints.fingerprint(other, fingerprints.topApplicationFrame(other)));
    }

    private static StackTraceElement frame(String className, String method, int line) {
        String simple = className.substring(className.lastIndexOf('.') + 1);
        int dollar = simple.indexOf('$');
        String file = ((dollar >= 0) ? simple.substring(0, dollar) : simple) + ".java";
        return new StackTraceElement(className, method, file, line);
    }

    private static IllegalStateException withStack(StackTraceElement... frames) {
        IllegalStateException error = new IllegalStateException();
        error.setStackTrace(frames);
        return error;
    }

}
