package io.inferlens.spring.dashboard;

import java.io.IOException;
import java.time.Duration;

import io.inferlens.spring.web.servlet.ServletPaths;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.HttpRequestHandler;

/**
 * Serves the dashboard in a servlet application: one HTML page, one script and one style
 * sheet (see {@link DashboardContent}), under the dispatcher servlet's path.
 *
 * @author Inferlens
 */
public class DashboardPage implements HttpRequestHandler {

    /**
     * The file name of the script, served under the page's path.
     */
    public static final String SCRIPT = DashboardContent.SCRIPT;

    /**
     * The file name of the style sheet, served under the page's path.
     */
    public static final String STYLE_SHEET = DashboardContent.STYLE_SHEET;

    static final String CONTENT_SECURITY_POLICY = DashboardContent.CONTENT_SECURITY_POLICY;

    private final DashboardContent content;

    /**
     * Create a page.
     * @param path the path of the page within the application, such as {@code /inferlens}
     * @param apiPath the path of the {@code inferlens} endpoint within the dispatcher
     * servlet, such as {@code /actuator/inferlens}, or an http(s) URL, whose origin the
     * page's Content-Security-Policy then allows
     * @param refresh how often the page refreshes itself
     */
    public DashboardPage(String path, String apiPath, Duration refresh) {
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
    public void handleRequest(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        if (!DashboardContent.isAllowed(method)) {
            response.setHeader("Allow", DashboardContent.ALLOWED_METHODS);
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        String within = ServletPaths.pathWithinDispatcher(request);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        DashboardContent.Asset asset = (within != null)
                ? this.content.asset(within, ServletPaths.dispatcherPrefix(request)) : null;
        if (asset == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        if (asset.contentSecurityPolicy() != null) {
            response.setHeader("Content-Security-Policy", asset.contentSecurityPolicy());
        }
        response.setHeader("Cache-Control", asset.cacheControl());
        response.setContentType(asset.contentType());
        response.setContentLength(asset.body().length);
        if (!"HEAD".equals(method)) {
            response.getOutputStream().write(asset.body());
        }
    }

}
