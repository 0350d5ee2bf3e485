package io.inferlens.autoconfigure.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.resources.ResourceBuilder;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.info.BuildProperties;
import org.springframework.util.StringUtils;

/**
 * Adds defaults Spring Boot lacks to the OpenTelemetry {@link Resource} it creates (bean
 * {@value #BOOT_RESOURCE_BEAN_NAME}, shared by its tracer, meter and logger providers):
 * {@code service.version} from the {@link BuildProperties} bean and
 * {@code deployment.environment.name} from {@code inferlens.tracing.environment}. They
 * are merged under Boot's resource, so anything set through
 * {@code management.opentelemetry.resource-attributes.*} or
 * {@code OTEL_RESOURCE_ATTRIBUTES} wins. Boot 4.1 offers no customizer for its resource,
 * and a {@code SdkTracerProviderBuilderCustomizer} could only add attributes over the
 * user's and to traces only; post-processing the one resource bean keeps Boot's in
 * charge. A resource bean the user defined is left alone.
 *
 * @author Inferlens
 */
class ResourceDefaultsPostProcessor implements BeanPostProcessor {

    /**
     * Name of the resource bean of Boot's {@code OpenTelemetrySdkAutoConfiguration}.
     */
    static final String BOOT_RESOURCE_BEAN_NAME = "openTelemetryResource";

    /**
     * OpenTelemetry semantic conventions' service version.
     */
    static final AttributeKey<String> SERVICE_VERSION = AttributeKey.stringKey("service.version");

    /**
     * OpenTelemetry semantic conventions' deployment environment (since 1.27, formerly
     * {@code deployment.environment}).
     */
    static final AttributeKey<String> DEPLOYMENT_ENVIRONMENT_NAME = AttributeKey
        .stringKey("deployment.environment.name");

    private final ObjectProvider<InferlensTracingProperties> properties;

    private final ObjectProvider<BuildProperties> buildProperties;

    ResourceDefaultsPostProcessor(ObjectProvider<InferlensTracingProperties> properties,
            ObjectProvider<BuildProperties> buildProperties) {
        this.properties = properties;
        this.buildProperties = buildProperties;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof Resource resource && BOOT_RESOURCE_BEAN_NAME.equals(beanName)) {
            Resource defaults = defaults();
            // In Resource.merge the argument wins: Boot's attributes override ours.
            return defaults.getAttributes().isEmpty() ? resource : defaults.merge(resource);
        }
        return bean;
    }

    private Resource defaults() {
        ResourceBuilder builder = Resource.builder();
        BuildProperties build = this.buildProperties.getIfAvailable();
        String version = (build != null) ? build.getVersion() : null;
        if (StringUtils.hasText(version)) {
            builder.put(SERVICE_VERSION, version);
        }
        @Nullable String environment = this.properties.getObject().getEnvironment();
        if (StringUtils.hasText(environment)) {
            builder.put(DEPLOYMENT_ENVIRONMENT_NAME, environment);
        }
        return builder.build();
    }

}
