package io.inferlens.autoconfigure.tracing;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.inferlens.annotation.SpanKind;
import io.inferlens.annotation.Traced;
import io.inferlens.autoconfigure.traced.TracedAutoConfiguration;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link TracingAutoConfiguration} with Boot's observation and OpenTelemetry tracing
 * auto-configurations and {@code @Traced} operations, spans going through Boot's batch
 * span processor to an in-memory exporter.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class TracingIntegrationTests {

    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

    private static final AttributeKey<String> SERVICE_VERSION = AttributeKey.stringKey("service.version");

    private static final AttributeKey<String> ENVIRONMENT = AttributeKey.stringKey("deployment.environment.name");

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(
                AutoConfigurations.of(ObservationAutoConfiguration.class, MicrometerTracingAutoConfiguration.class,
                        OpenTelemetrySdkAutoConfiguration.class, OpenTelemetryTracingAutoConfiguration.class,
                        AopAutoConfiguration.class, TracedAutoConfiguration.class, TracingAutoConfiguration.class))
        .withUserConfiguration(Services.class)
        .withBean(InMemorySpanExporter.class, InMemorySpanExporter::create);

    @Test
    void probabilityZeroExportsNoRootUnlessARuleSaysOneForItsName() {
        this.contextRunner
            .withPropertyValues("management.tracing.sampling.probability=0.0",
                    "inferlens.tracing.sampling.rules[0].pattern=chat *",
                    "inferlens.tracing.sampling.rules[0].probability=1.0")
            .run((context) -> {
                Services.Router router = context.getBean(Services.Router.class);
                Services.Chat chat = context.getBean(Services.Chat.class);
                for (int i = 0; i < 20; i++) {
                    router.route();
                    router.routeThenChat();
                    chat.chat();
                }
                // The chat spans under unsampled routing_request roots are not exported:
                // rules decide for roots only.
                assertThat(exported(context)).extracting(SpanData::getName).hasSize(20).containsOnly("chat sim-large");
            });
    }

    @Test
    void probabilityZeroWithoutRulesExportsNothing() {
        this.contextRunner.withPropertyValues("management.tracing.sampling.probability=0.0").run((context) -> {
            context.getBean(Services.Chat.class).chat();
            context.getBean(Services.Router.class).route();
            assertThat(exported(context)).isEmpty();
        });
    }

    @Test
    void alwaysOffSamplerExportsOnlyRootsARuleSamples() {
        this.contextRunner
            .withPropertyValues("management.opentelemetry.tracing.sampler=always_off",
                    "inferlens.tracing.sampling.rules[0].pattern=chat sim-large",
                    "inferlens.tracing.sampling.rules[0].probability=1")
            .run((context) -> {
                context.getBean(Services.Router.class).route();
                context.getBean(Services.Chat.class).chat();
                assertThat(exported(context)).extracting(SpanData::getName).containsExactly("chat sim-large");
            });
    }

    @Test
    void ruleCannotDropASpanWithinASampledTrace() {
        this.contextRunner
            .withPropertyValues("management.tracing.sampling.probability=1.0",
                    "inferlens.tracing.sampling.rules[0].pattern=chat *",
                    "inferlens.tracing.sampling.rules[0].probability=0")
            .run((context) -> {
                context.getBean(Services.Router.class).routeThenChat();
                context.getBean(Services.Chat.class).chat();
                assertThat(exported(context)).extracting(SpanData::getName)
                    .containsExactlyInAnyOrder("routing_request", "chat sim-large");
            });
    }

    @Test
    void ratioRuleKeepsAboutItsShareOfRootTraces() {
        this.contextRunner
            .withPropertyValues("management.tracing.sampling.probability=1.0",
                    "inferlens.tracing.sampling.rules[0].pattern=routing_request",
                    "inferlens.tracing.sampling.rules[0].probability=0.1")
            .run((context) -> {
                Services.Router router = context.getBean(Services.Router.class);
                for (int i = 0; i < 2000; i++) {
                    router.route();
                }
                Set<String> traces = exported(context).stream().map(SpanData::getTraceId).collect(Collectors.toSet());
                // Binomial(2,000, 0.1): mean 200, sigma 13.4; 4 sigma = 54. Trace ids are
                // random, so this fails about once in 15,000 runs.
                assertThat(traces).hasSizeBetween(146, 254);
            });
    }

    @Test
    void incomingSampledFlagIsFollowedWhateverTheRulesSay() {
        this.contextRunner.withPropertyValues("management.tracing.sampling.probability=0.0",
                "inferlens.tracing.sampling.rules[0].pattern=*", "inferlens.tracing.sampling.rules[0].probability=0")
            .run((context) -> {
                handleRequest(context, "01");
                List<SpanData> spans = exported(context);
                assertThat(spans).extracting(SpanData::getName)
                    .containsExactlyInAnyOrder("http post", "chat sim-large");
                assertThat(spans).allSatisfy((span) -> assertThat(span.getTraceId()).isEqualTo(TRACE_ID));
                SpanData server = spans.stream()
                    .filter((span) -> span.getName().equals("http post"))
                    .findFirst()
                    .orElseThrow();
                assertThat(server.getParentSpanId()).isEqualTo(REMOTE_SPAN_ID);
            });
    }

    @Test
    void incomingUnsampledFlagIsFollowedWhateverTheRulesSay() {
        this.contextRunner.withPropertyValues("management.tracing.sampling.probability=1.0",
                "inferlens.tracing.sampling.rules[0].pattern=*", "inferlens.tracing.sampling.rules[0].probability=1")
            .run((context) -> {
                handleRequest(context, "00");
                assertThat(exported(context)).isEmpty();
            });
    }

    @Test
    void resourceHasServiceNameVersionAndEnvironment() {
        this.contextRunner.withBean(BuildProperties.class, () -> buildProperties("1.4.2"))
            .withPropertyValues("management.tracing.sampling.probability=1.0", "spring.application.name=inference-api",
                    "inferlens.tracing.environment=staging")
            .run((context) -> {
                context.getBean(Services.Chat.class).chat();
                Resource resource = exported(context).get(0).getResource();
                assertThat(resource.getAttribute(SERVICE_NAME)).isEqualTo("inference-api");
                assertThat(resource.getAttribute(SERVICE_VERSION)).isEqualTo("1.4.2");
                assertThat(resource.getAttribute(ENVIRONMENT)).isEqualTo("staging");
                assertThat(resource.getAttribute(AttributeKey.stringKey("telemetry.sdk.name")))
                    .isEqualTo("opentelemetry");
                assertThat(context.getBean(Resource.class)).isEqualTo(resource);
            });
    }

    @Test
    void bootsResourceAttributesWinOverInferlensDefaults() {
        this.contextRunner.withBean(BuildProperties.class, () -> buildProperties("1.4.2"))
            .withPropertyValues("management.tracing.sampling.probability=1.0", "spring.application.name=inference-api",
                    "inferlens.tracing.environment=staging",
                    "management.opentelemetry.resource-attributes[deployment.environment.name]=production",
                    "management.opentelemetry.resource-attributes[service.version]=2.0.0-user")
            .run((context) -> {
                context.getBean(Services.Chat.class).chat();
                Resource resource = exported(context).get(0).getResource();
                assertThat(resource.getAttribute(SERVICE_NAME)).isEqualTo("inference-api");
                assertThat(resource.getAttribute(SERVICE_VERSION)).isEqualTo("2.0.0-user");
                assertThat(resource.getAttribute(ENVIRONMENT)).isEqualTo("production");
            });
    }

    @Test
    void resourceIsBootsWhenThereIsNothingToAdd() {
        this.contextRunner.withPropertyValues("spring.application.name=inference-api").run((context) -> {
            Resource resource = context.getBean(Resource.class);
            assertThat(resource.getAttribute(SERVICE_NAME)).isEqualTo("inference-api");
            assertThat(resource.getAttribute(SERVICE_VERSION)).isNull();
            assertThat(resource.getAttribute(ENVIRONMENT)).isNull();
        });
    }

    @Test
    void consoleExporterWritesEachSpanOfBootsPipelineAsJson(CapturedOutput output) {
        this.contextRunner
            .withPropertyValues("management.tracing.sampling.probability=1.0", "inferlens.tracing.console.enabled=true")
            .run((context) -> {
                context.getBean(Services.Router.class).routeThenChat();
                List<SpanData> spans = exported(context);
                assertThat(spans).hasSize(2);
                List<String> lines = output.getOut()
                    .lines()
                    .filter((line) -> line.contains("io.inferlens.tracing.console"))
                    .map((line) -> line.substring(line.indexOf('{')))
                    .toList();
                assertThat(lines).hasSize(2);
                JsonMapper mapper = JsonMapper.builder().build();
                Map<String, JsonNode> byName = lines.stream()
                    .map(mapper::readTree)
                    .collect(Collectors.toMap((json) -> json.get("name").asString(), (json) -> json));
                JsonNode chat = byName.get("chat sim-large");
                JsonNode root = byName.get("routing_request");
                assertThat(chat.get("traceId").asString()).isEqualTo(spans.get(0).getTraceId());
                assertThat(chat.get("parentSpanId").asString()).isEqualTo(root.get("spanId").asString());
                assertThat(chat.get("kind").asString()).isEqualTo("CLIENT");
                assertThat(chat.get("attributes").get("tier").asString()).isEqualTo("gold");
                assertThat(root.get("parentSpanId").isNull()).isTrue();
            });
    }

    @Test
    void secretsInExceptionMessagesAreMaskedOnExportedSpans() {
        this.contextRunner.withPropertyValues("management.tracing.sampling.probability=1.0").run((context) -> {
            assertThatIllegalStateException().isThrownBy(() -> context.getBean(Services.Chat.class).fail());
            SpanData span = exported(context).get(0);
            assertThat(span.toString()).doesNotContain("0123456789abcdefghij");
            assertThat(span.getStatus().getDescription()).isEqualTo("401 from the backend for api_key=****");
            assertThat(span.getEvents()).singleElement().satisfies((event) -> {
                assertThat(event.getName()).isEqualTo("exception");
                assertThat(event.getAttributes().get(AttributeKey.stringKey("exception.message")))
                    .isEqualTo("401 from the backend for api_key=****");
                assertThat(event.getAttributes().get(AttributeKey.stringKey("exception.stacktrace")))
                    .startsWith("java.lang.IllegalStateException: 401 from the backend for api_key=****")
                    .contains("at ");
            });
        });
    }

    @Test
    void exceptionMessagesAreExportedAsTheyAreWhenMaskingIsOff() {
        this.contextRunner
            .withPropertyValues("management.tracing.sampling.probability=1.0",
                    "inferlens.tracing.export.mask-secrets=false")
            .run((context) -> {
                assertThatIllegalStateException().isThrownBy(() -> context.getBean(Services.Chat.class).fail());
                assertThat(exported(context).get(0).getStatus().getDescription())
                    .isEqualTo("401 from the backend for api_key=sk-live-0123456789abcdefghij");
            });
    }

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static final String REMOTE_SPAN_ID = "00f067aa0ba902b7";

    private static void handleRequest(AssertableApplicationContext context, String flags) {
        Propagator propagator = context.getBean(Propagator.class);
        Tracer tracer = context.getBean(Tracer.class);
        Map<String, String> headers = Map.of("traceparent", "00-" + TRACE_ID + "-" + REMOTE_SPAN_ID + "-" + flags);
        Span server = propagator.extract(headers, Map::get).name("http post").kind(Span.Kind.SERVER).start();
        try (Tracer.SpanInScope scope = tracer.withSpan(server)) {
            context.getBean(Services.Chat.class).chat();
        }
        finally {
            server.end();
        }
    }

    private static List<SpanData> exported(AssertableApplicationContext context) {
        assertThat(context.getBean(SdkTracerProvider.class).forceFlush().join(10, TimeUnit.SECONDS).isSuccess())
            .isTrue();
        return context.getBean(InMemorySpanExporter.class).getFinishedSpanItems();
    }

    private static BuildProperties buildProperties(String version) {
        Properties properties = new Properties();
        properties.setProperty("version", version);
        return new BuildProperties(properties);
    }

    @Configuration(proxyBeanMethods = false)
    public static class Services {

        @Bean
        Chat chat() {
            return new Chat();
        }

        @Bean
        Router router(Chat chat) {
            return new Router(chat);
        }

        public static class Router {

            private final Chat chat;

            public Router(Chat chat) {
                this.chat = chat;
            }

            @Traced("routing_request")
            public String route() {
                return "sim-large";
            }

            @Traced("routing_request")
            public String routeThenChat() {
                return this.chat.chat();
            }

        }

        public static class Chat {

            @Traced(value = "chat sim-large", kind = SpanKind.CLIENT,
                    attributes = @Traced.Attribute(key = "tier", value = "gold"))
            public String chat() {
                return "answer";
            }

            @Traced("chat sim-small")
            public String fail() {
                throw new IllegalStateException("401 from the backend for api_key=sk-live-0123456789abcdefghij");
            }

        }

    }

}
