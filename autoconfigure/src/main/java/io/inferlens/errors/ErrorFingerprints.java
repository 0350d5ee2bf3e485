package io.inferlens.errors;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Fingerprints of exceptions: the exception's class name and its top application frame,
 * the first frame of its stack trace that is the application's own code. Application code
 * is either the configured packages, or, when none are configured, any code but the
 * JDK's, the common frameworks' (Spring, Micrometer, OpenTelemetry, Resilience4j,
 * Reactor, Jackson, Tomcat, ...) and Inferlens' instrumentation, and never a generated
 * proxy class.
 *
 * @author Inferlens
 */
public final class ErrorFingerprints {

    private static final List<String> FRAMEWORK_PREFIXES = List.of("java.", "javax.", "jakarta.", "jdk.", "sun.",
            "com.sun.", "org.springframework.", "org.apache.", "io.micrometer.", "io.opentelemetry.", "reactor.",
            "io.github.resilience4j.", "org.aspectj.", "kotlin.", "kotlinx.", "com.fasterxml.", "tools.jackson.",
            "org.eclipse.", "io.netty.", "io.undertow.", "org.hibernate.", "org.slf4j.", "ch.qos.logback.",
            "org.junit.", "io.inferlens.annotation.", "io.inferlens.autoconfigure.", "io.inferlens.circuitbreaker.",
            "io.inferlens.errors.", "io.inferlens.experiments.", "io.inferlens.inference.", "io.inferlens.logs.",
            "io.inferlens.metrics.", "io.inferlens.observation.", "io.inferlens.privacy.", "io.inferlens.propagation.",
            "io.inferlens.routing.", "io.inferlens.spring.", "io.inferlens.stats.", "io.inferlens.store.",
            "io.inferlens.traced.", "io.inferlens.traces.", "io.inferlens.tracing.", "io.inferlens.web.");

    private final List<String> applicationPackages;

    /**
     * Create fingerprints that find application frames by exclusion of known frameworks.
     */
    public ErrorFingerprints() {
        this(List.of());
    }

    /**
     * Create fingerprints.
     * @param applicationPackages the packages of the application's code, or an empty list
     * to take any code that is not a known framework's
     */
    public ErrorFingerprints(List<String> applicationPackages) {
        this.applicationPackages = applicationPackages.stream()
            .filter((name) -> !name.isBlank())
            .map((name) -> name.endsWith(".") ? name : name + ".")
            .toList();
    }

    /**
     * The fingerprint of an exception: its class name, then {@code @} and its top
     * application frame when it has one.
     * @param error the exception
     * @param frame its top application frame, as {@link #topApplicationFrame(Throwable)}
     * returns it
     * @return the fingerprint
     */
    public String fingerprint(Throwable error, @Nullable String frame) {
        String type = error.getClass().getName();
        return (frame != null) ? type + "@" + frame : type;
    }

    /**
     * The first frame of an exception's stack trace that is the application's code, or,
     * failing that, the first frame.
     * @param error the exception
     * @return the frame as {@code class.method(File:line)}, or {@code null} if the
     * exception has no stack trace
     */
    public @Nullable String topApplicationFrame(Throwable error) {
        StackTraceElement[] stackTrace = error.getStackTrace();
        for (StackTraceElement element : stackTrace) {
            if (isApplication(element.getClassName())) {
                return format(element);
            }
        }
        return (stackTrace.length > 0) ? format(stackTrace[0]) : null;
    }

    private boolean isApplication(String className) {
        if (className.contains("$$")) {
            return false;
        }
        if (!this.applicationPackages.isEmpty()) {
            for (String prefix : this.applicationPackages) {
                if (className.startsWith(prefix)) {
                    return true;
                }
            }
            return false;
        }
        for (String prefix : FRAMEWORK_PREFIXES) {
            if (className.startsWith(prefix)) {
                return false;
            }
        }
        return true;
    }

    private static String format(StackTraceElement element) {
        String file = element.getFileName();
        int line = element.getLineNumber();
        StringBuilder frame = new StringBuilder(element.getClassName()).append('.')
            .append(element.getMethodName())
            .append('(');
        frame.append((file != null) ? file : "Unknown Source");
        if (line >= 0) {
            frame.append(':').append(line);
        }
        return frame.append(')').toString();
    }

}
