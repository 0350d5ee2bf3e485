package io.inferlens.traced;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.LockSupport;

import io.inferlens.annotation.Traced;
import io.inferlens.spring.aop.TracedMethodInterceptor;
import io.inferlens.spring.aop.TracedPointcutAdvisor;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests for the detection of slow {@code @Traced} calls by {@link TracedObserver}.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class SlowCallsTests {

    private final TestObservationRegistry registry = TestObservationRegistry.create();

    @Test
    void callOverTheDefaultThresholdIsMarkedAndLoggedAtWarn(CapturedOutput output) {
        Service service = proxy(SlowCallPolicy.of(Duration.ofMillis(20), Map.of()));
        service.sleep(60);
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.sleep")
            .that()
            .hasHighCardinalityKeyValue("inferlens.slow", "true");
        assertThat(output.getOut()).contains(" WARN ")
            .contains("io.inferlens.slow-calls")
            .containsPattern("Slow call: demo\\.sleep took \\d+ ms, over its threshold of 20 ms");
    }

    @Test
    void callUnderTheThresholdIsNeitherMarkedNorLogged(CapturedOutput output) {
        Service service = proxy(SlowCallPolicy.of(Duration.ofSeconds(10), Map.of()));
        service.sleep(0);
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.sleep")
            .that()
            .doesNotHaveHighCardinalityKeyValueWithKey("inferlens.slow");
        assertThat(output.getOut()).doesNotContain("Slow call");
    }

    @Test
    void operationThresholdOverridesTheDefaultAndZeroTurnsDetectionOff(CapturedOutput output) {
        Service service = proxy(SlowCallPolicy.of(Duration.ofSeconds(10),
                Map.of("demo.sleep", Duration.ofMillis(10), "demo.fast", Duration.ZERO)));
        service.sleep(40);
        service.fast(40);
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.sleep")
            .that()
            .hasHighCardinalityKeyValue("inferlens.slow", "true");
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.fast")
            .that()
            .doesNotHaveHighCardinalityKeyValueWithKey("inferlens.slow");
        assertThat(output.getOut()).contains("Slow call: demo.sleep").doesNotContain("Slow call: demo.fast");
    }

    @Test
    void failedSlowCallIsMarkedAndTheExceptionRethrown() {
        Service service = proxy(SlowCallPolicy.of(Duration.ofMillis(10), Map.of()));
        assertThatThrownBy(() -> service.failSlowly(40)).hasMessage("timed out");
        assertThat(this.registry).hasObservationWithNameEqualTo("service.fail_slowly")
            .that()
            .hasHighCardinalityKeyValue("inferlens.slow", "true")
            .hasBeenStopped();
    }

    @Test
    void completionStageIsSlowWhenItCompletesLate() {
        Service service = proxy(SlowCallPolicy.of(Duration.ofMillis(20), Map.of()));
        CompletableFuture<String> pending = new CompletableFuture<>();
        CompletionStage<String> result = service.async(pending);
        LockSupport.parkNanos(Duration.ofMillis(60).toNanos());
        pending.complete("done");
        assertThat(result.toCompletableFuture().join()).isEqualTo("done");
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.async")
            .that()
            .hasHighCardinalityKeyValue("inferlens.slow", "true")
            .hasBeenStopped();
    }

    @Test
    void throwingPolicyLeavesCallsObservedAndNeverSlow() {
        Service service = proxy((operation) -> {
            throw new IllegalStateException("policy broken");
        });
        assertThatNoException().isThrownBy(() -> service.sleep(1));
        assertThat(this.registry).hasObservationWithNameEqualTo("demo.sleep")
            .that()
            .hasBeenStopped()
            .doesNotHaveHighCardinalityKeyValueWithKey("inferlens.slow");
    }

    private Service proxy(SlowCallPolicy policy) {
        ProxyFactory factory = new ProxyFactory(new Service());
        factory.setProxyTargetClass(true);
        factory.addAdvisor(new TracedPointcutAdvisor(
                new TracedMethodInterceptor(new TracedObserver(this.registry, null, policy))));
        return (Service) factory.getProxy();
    }

    static class Service {

        @Traced("demo.sleep")
        String sleep(long millis) {
            LockSupport.parkNanos(Duration.ofMillis(millis).toNanos());
            return "ok";
        }

        @Traced("demo.fast")
        String fast(long millis) {
            return sleep(millis);
        }

        @Traced
        String failSlowly(long millis) {
            LockSupport.parkNanos(Duration.ofMillis(millis).toNanos());
            throw new IllegalStateException("timed out");
        }

        @Traced("demo.async")
        CompletionStage<String> async(CompletableFuture<String> pending) {
            return pending;
        }

    }

}
