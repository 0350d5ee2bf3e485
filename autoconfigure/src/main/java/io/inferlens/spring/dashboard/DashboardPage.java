package io.inferlens.spring.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

import io.inferlens.spring.web.servlet.ServletPaths;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.HttpRequestHandler;
import org.springframework.web.util.HtmlUtils;

/**
 * Serves the dashboard: one HTML page, one script and one style sheet, from the
 * classpath, with no build step. The page reads the {@code inferlens} Actuator endpoint
 * from the browser and renders every value from the data as text.
 * <p>
 * The page is sent with a Content-Security-Policy that allows only its own script, style
 * and requests, so even a value that slipped into the markup could not run.
 *
 * @author Inferlens
 */
public class DashboardPage implements HttpRequestHandler {

    /**
     * The file name of the script, served under the page's path.
     */
    public static final String SCRIPT = "dashboard.js";

    /**
     * The file name of the style sheet, served under the page's path.
     */
    public static final String STYLE_SHEET = "dashboard.css";

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none';"
            + " frame-ancestors 'none'";

    private static final String RESOURCES = "/io/inferlens/spring/dashboard/";

    private final String path;

    private final String apiPath;

    private final long refreshMillis;

    private final String contentSecurityPolicy;

    private final String html;

    private final byte[] script;

    private final byte[] styleSheet;

    /**
     * Create a page.
     * @param path the path of the page within the application, such as {@code /inferlens}
     * @param apiPath the path of the {@code inferlens} endpoint within the dispatcher
     * servlet, such as {@code /actuator/inferlens}, or an http(s) URL, whose origin the
     * page's Content-Security-Policy then allows
     * @param refresh how often the page refreshes itself
     */
    public DashboardPage(String path, String apiPath, Duration refresh) {
        this.path = trimTrailingSlash(Objects.requireNonNull(path, "'path' must not be null"));
        this.apiPath = trimTrailingSlash(Objects.requireNonNull(apiPath, "'apiPath' must not be null"));
        this.refreshMillis = Objects.requireNonNull(refresh, "'refresh' must not be null").toMillis();
        if (!this.apiPath.startsWith("/") && !isAbsoluteUrl(this.apiPath) || this.apiPath.startsWith("//")) {
            throw new IllegalArgumentException(
                    "apiPath must start with '/' or be an http(s) URL, but was '" + this.apiPath + "'");
        }
        this.contentSecurityPolicy = contentSecurityPolicy(this.apiPath);
        this.html = new String(read("index.html"), StandardCharsets.UTF_8);
        this.script = read(SCRIPT);
        this.styleSheet = read(STYLE_SHEET);
    }

    /**
     * The path of the page within the application.
     * @return the path, without a trailing slash
     */
    public String getPath() {
        return this.path;
    }

    @Override
    public void handleRequest(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            response.setHeader("Allow", "GET, HEAD");
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        String prefix = ServletPaths.dispatcherPrefix(request);
        String within = ServletPaths.pathWithinDispatcher(request);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        if (within == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
        else if (within.equals(this.path) || within.equals(this.path + "/")) {
            response.setHeader("Content-Security-Policy", this.contentSecurityPolicy);
            response.setHeader("Cache-Control", "no-store");
            send(response, "text/html;charset=UTF-8", html(prefix).getBytes(StandardCharsets.UTF_8), method);
        }
        else if (within.equals(this.path + "/" + SCRIPT)) {
            response.setHeader("Cache-Control", "no-cache");
            send(response, "text/javascript;charset=UTF-8", this.script, method);
        }
        else if (within.equals(this.path + "/" + STYLE_SHEET)) {
            response.setHeader("Cache-Control", "no-cache");
            send(response, "text/css;charset=UTF-8", this.styleSheet, method);
        }
        else {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
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

    private static void send(HttpServletResponse response, String contentType, byte[] body, String method)
            throws IOException {
        response.setContentType(contentType);
        response.setContentLength(body.length);
        if (!"HEAD".equals(method)) {
            response.getOutputStream().write(body);
        }
    }

    private static boolean isAbsoluteUrl(String path) {
        return path.startsWith("http://") || path.startsWith("https://");
    }

    private static String trimTrailingSlash(String path) {
        return (path.length() > 1 && path.endsWith("/")) ? path.substring(0, path.length() - 1) : path;
    }

    private static byte[] read(String name) {
        try (InputStream in = DashboardPage.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("Dashboard resource " + RESOURCES + name + " is missing");
            }
            return in.readAllBytes();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Failed to read dashboard resource " + RESOURCES + name, ex);
        }
    }

}
