package io.inferlens.web;

import java.util.List;

/**
 * Paths and everything under them, such as {@code /actuator/inferlens} and
 * {@code /actuator/inferlens/traces}, but not {@code /actuator/inferlensx}.
 *
 * @author Inferlens
 */
public final class PathPrefixes {

    private final List<String> paths;

    /**
     * Create the prefixes.
     * @param paths the paths, with or without a trailing slash
     */
    public PathPrefixes(List<String> paths) {
        this.paths = paths.stream().map(PathPrefixes::trimTrailingSlash).toList();
    }

    /**
     * Whether a path is one of the paths or under one.
     * @param path the path
     * @return whether it matches
     */
    public boolean matches(String path) {
        for (String prefix : this.paths) {
            if (path.equals(prefix) || (path.startsWith(prefix) && path.charAt(prefix.length()) == '/')) {
                return true;
            }
        }
        return false;
    }

    private static String trimTrailingSlash(String path) {
        return (path.length() > 1 && path.endsWith("/")) ? path.substring(0, path.length() - 1) : path;
    }

}
