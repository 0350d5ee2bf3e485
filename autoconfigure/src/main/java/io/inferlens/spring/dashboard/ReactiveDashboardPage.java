package io.inferlens.spring.dashboard;

import java.time.Duration;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.RequestPath;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;

/**
 * Serves the dashboard in a Spring WebFlux application: one HTML page, one script and one
 * style sheet (see {@link DashboardContent}), under the application's base path
 * ({@code spring.webflux.base-path}).
 *
 * @author Inferlens
 */
public class ReactiveDashboardPage implements WebHandler {

    private final DashboardContent content;

    /**
     * Create a page.
     * @param path the path of the page within the application, such as {@code /inferlens}
     * @param apiPath the path of the {@code inferlens} endpoint within the application,
     * such as {@code /actuator/inferlens}, or an http(s) URL, whose origin the page's
     * Content-Security-Policy then allows
     * @param refresh how often the page refreshes itself
     */
    public ReactiveDashboardPage(String path, String apiPath, Duration refresh) {
        this.content = new DashboardContent(path, apiPath, refresh);
    }

    /**
     * The path of the page within the application.
     * @return the path, without a trailing slash
     */
    public String getPath() {
        return this.content.getPath();
    }

    /**
     * The content the page serves.
     * @return the content
     */
    public DashboardContent getContent() {
        return this.content;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange) {
        ServerHttpResponse response = exchange.getResponse();
        HttpHeaders headers = response.getHeaders();
        String method = exchange.getRequest().getMethod().name();
        if (!DashboardContent.isAllowed(method)) {
            headers.set(HttpHeaders.ALLOW, DashboardContent.ALLOWED_METHODS);
            response.setStatusCode(HttpStatus.METHOD_NOT_ALLOWED);
            return response.setComplete();
        }
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        RequestPath path = exchange.getRequest().getPath();
        DashboardContent.Asset asset = this.content.asset(path.pathWithinApplication().value(),
                path.contextPath().value());
        if (asset == null) {
            response.setStatusCode(HttpStatus.NOT_FOUND);
            return response.setComplete();
        }
        response.setStatusCode(HttpStatus.OK);
        if (asset.contentSecurityPolicy() != null) {
            headers.set("Content-Security-Policy", asset.contentSecurityPolicy());
        }
        headers.set(HttpHeaders.CACHE_CONTROL, asset.cacheControl());
        headers.set(HttpHeaders.CONTENT_TYPE, asset.contentType());
        headers.setContentLength(asset.body().length);
        if ("HEAD".equals(method)) {
            return response.setComplete();
        }
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(asset.body())));
    }

}
