package io.inferlens.testsupport;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test class path without one library, in a class loader of its own, so that a test
 * can show that a class works when the library is really absent (unlike a
 * {@code FilteredClassLoader}, which only hides classes from conditions).
 *
 * @author Inferlens
 */
public final class IsolatedClassPath {

    private IsolatedClassPath() {
    }

    /**
     * A class loader of the test class path without the jars whose name starts with the
     * given prefix, of which there must be one.
     * @param jarPrefix the prefix, such as {@code reactor-core-}
     * @return the class loader
     * @throws MalformedURLException if an entry of the class path is not a valid URL
     */
    public static URLClassLoader without(String jarPrefix) throws MalformedURLException {
        List<URL> urls = new ArrayList<>();
        boolean excluded = false;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            File file = new File(entry);
            if (file.getName().startsWith(jarPrefix) && file.getName().endsWith(".jar")) {
                excluded = true;
            }
            else {
                urls.add(file.toURI().toURL());
            }
        }
        assertThat(excluded).as("a %s jar on the class path", jarPrefix).isTrue();
        return new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
    }

    /**
     * Run a probe loaded, with everything it uses, by the given class loader.
     * @param loader the class loader
     * @param probe the probe, a public class with a public no-argument constructor
     * @return what the probe returned
     * @throws Exception if the probe cannot be loaded or made
     */
    public static String run(ClassLoader loader, Class<? extends Supplier<String>> probe) throws Exception {
        Class<?> isolated = loader.loadClass(probe.getName());
        assertThat(isolated.getClassLoader()).isSameAs(loader);
        @SuppressWarnings("unchecked")
        Supplier<String> instance = (Supplier<String>) isolated.getConstructor().newInstance();
        return instance.get();
    }

}
