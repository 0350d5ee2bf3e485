package io.inferlens.spring.web.servlet;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Paths of a servlet request as Spring MVC's handler mappings see them: within the
 * context path and, when the dispatcher servlet is mapped to a prefix such as
 * {@code /app/*} ({@code spring.mvc.servlet.path=/app}), within that prefix too.
 *
 * @author Inferlens
 */
public final class ServletPaths {

    private ServletPaths() {
    }

    /**
     * The prefix of every path the dispatcher servlet handles: the context path, and the
     * servlet path when the servlet is mapped to a prefix.
     * @param request the request
     * @return the prefix, empty for the root
     */
    public static String dispatcherPrefix(HttpServletRequest request) {
        String contextPath = nullToEmpty(request.getContextPath());
        // Mapped to "/", the servlet path is the whole path and there is no path info.
        return (request.getPathInfo() != null) ? contextPath + nullToEmpty(request.getServletPath()) : contextPath;
    }

    /**
     * The path of a request within the dispatcher servlet, such as {@code /inferlens}.
     * @param request the request
     * @return the path, or {@code null} if the request has no URI
     */
    public static @Nullable String pathWithinDispatcher(HttpServletRequest request) {
        String uri = request.getRequestURI();
        if (uri == null) {
            return null;
        }
        String prefix = dispatcherPrefix(request);
        return uri.startsWith(prefix) ? uri.substring(prefix.length()) : uri;
    }

    private static String nullToEmpty(@Nullable String value) {
        return (value != null) ? value : "";
    }

}
