package io.inferlens.spring.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.web.util.HtmlUtils;

/**
 * What the dashboard serves, whichever web stack serves it: one HTML page, one script and
 * one style sheet, from the classpath, with no build step. The page reads the
 * {@code inferlens} Actuator endpoint from the browser and renders every value from the
 * data as text.
 * <p>
 * The page is sent with a Content-Security-Policy that allows only its own script, style
 * and requests, so even a value that slipped into the markup could not run.
 *
 * @author Inferlens
 */
public final class DashboardContent {

    /**
     * The file name of the script, served under the page's path.
     */
    public static final String SCRIPT = "dashboard.js";

    /**
     * The file name of the style sheet, served under the page's path.
     */
    public static final String STYLE_SHEET = "dashboard.css";

    /**
     * Methods the dashboard answers, as an {@code Allow} header lists them.
     */
    public static final String ALLOWED_METHODS = "GET, HEAD";

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none';"
            + " frame-ancestors 'none'";

    private static final String RESOURCES = "/io/inferlens/spring/dashboard/";

    private final String path;

    private final String apiPath;

    private final long refreshMillis;

    private final String contentSecurityPolicy;

    private final String html;

    private final Asset script;

    private final Asset styleSheet;

    /**
     * Create the content.
     * @param path the path of the page within the application, such as {@code /inferlens}
     * @param apiPath the path of the {@code inferlens} endpoint within the application
     * (within the dispatcher servlet, on Spring MVC), such as
     * {@code /actuator/inferlens}, or an http(s) URL, whose origin the page's
     * Content-Security-Policy then allows
     * @param refresh how often the page refreshes itself
     */
    public DashboardContent(String path, String apiPath, Duration refresh) {
        this.path = trimTrailingSlash(Objects.requireNonNull(path, "'path' must not be null"));
        this.apiPath = trimTrailingSlash(Objects.requireNonNull(apiPath, "'apiPath' must not be null"));
        this.refreshMillis = Objects.requireNonNull(refresh, "'refresh' must not be null").toMillis();
        if (!this.apiPath.startsWith("/") && !isAbsoluteUrl(this.apiPath) || this.apiPath.startsWith("//")) {
            throw new IllegalArgumentException(
                    "apiPath must start with '/' or be an http(s) URL, but was '" + this.apiPath + "'");
        }
        this.contentSecurityPolicy = contentSecurityPolicy(this.apiPath);
        this.html = new String(read("index.html"), StandardCharsets.UTF_8);
        this.script = new Asset("text/javascript;charset=UTF-8", read(SCRIPT), "no-cache", null);
        this.styleSheet = new Asset("text/css;charset=UTF-8", read(STYLE_SHEET), "no-cache", null);
    }

    /**
     * The path of the page within the application.
     * @return the path, without a trailing slash
     */
    public String getPath() {
        return this.path;
    }

    /**
     * The paths the dashboard serves, within the application.
     * @return the page's path, with and without a trailing slash, and its assets' paths
     */
    public String[] getPaths() {
        return new String[] { this.path, this.path + "/", this.path + "/" + SCRIPT, this.path + "/" + STYLE_SHEET };
    }

    /**
     * What is served at a path.
     * @param path the requested path, within the application (or the dispatcher servlet)
     * @param prefix the prefix of every path the application serves: its context path
     * (and servlet path), empty at the root
     * @return the asset, or {@code null} if the dashboard has nothing at that path
     */
    public @Nullable Asset asset(String path, String prefix) {
        if (path.equals(this.path) || path.equals(this.path + "/")) {
            return new Asset("text/html;charset=UTF-8", html(prefix).getBytes(StandardCharsets.UTF_8), "no-store",
                    this.contentSecurityPolicy);
        }
        if (path.equals(this.path + "/" + SCRIPT)) {
            return this.script;
        }
        if (path.equals(this.path + "/" + STYLE_SHEET)) {
            return this.styleSheet;
        }
        return null;
    }

    /**
     * Whether the dashboard answers a method.
     * @param method the method's name
     * @return whether it is {@code GET} or {@code HEAD}
     */
    public static boolean isAllowed(String method) {
        return "GET".equals(method) || "HEAD".equals(method);
    }

    private String html(String prefix) {
        String api = isAbsoluteUrl(this.apiPath) ? this.apiPath : prefix + this.apiPath;
        return this.html.replace("@@INFERLENS_API@@", HtmlUtils.htmlEscape(api))
            .replace("@@INFERLENS_REFRESH_MILLIS@@", Long.toString(this.refreshMillis))
            .replace("@@INFERLENS_ASSETS@@", HtmlUtils.htmlEscape(prefix + this.path));
    }

    /**
     * The policy of the page: its own script, style and requests only, and the origin of
     * the endpoint when that is elsewhere.
     */
    private static String contentSecurityPolicy(String apiPath) {
        if (!isAbsoluteUrl(apiPath)) {
            return CONTENT_SECURITY_POLICY;
        }
        URI uri = URI.create(apiPath);
        String origin = uri.getScheme() + "://" + uri.getRawAuthority();
        return CONTENT_SECURITY_POLICY.replace("connect-src 'self'", "connect-src 'self' " + origin);
    }

    private static boolean isAbsoluteUrl(String path) {
        return path.startsWith("http://") || path.startsWith("https://");
    }

    private static String trimTrailingSlash(String path) {
        return (path.length() > 1 && path.endsWith("/")) ? path.substring(0, path.length() - 1) : path;
    }

    private static byte[] read(String name) {
        try (InputStream in = DashboardContent.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("Dashboard resource " + RESOURCES + name + " is missing");
            }
            return in.readAllBytes();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Failed to read dashboard resource " + RESOURCES + name, ex);
        }
    }

    /**
     * One thing the dashboard serves. Every answer also carries
     * {@code X-Content-Type-Options: nosniff} and {@code Referrer-Policy: no-referrer}.
     *
     * @param contentType its content type
     * @param body its bytes, not to be modified
     * @param cacheControl its {@code Cache-Control} header
     * @param contentSecurityPolicy its {@code Content-Security-Policy} header, or
     * {@code null}
     */
    public record Asset(String contentType, byte[] body, String cacheControl, @Nullable String contentSecurityPolicy) {

    }

}
