package io.lakestream.jobs.transform;

import io.lakestream.api.transform.EventTransform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.jar.JarFile;

/**
 * The {@link EventTransform} implementations of a pipeline's plugin jars, by name, together with
 * the class loader that loaded them.
 *
 * <p>Closing the catalog closes the class loader; instances made from it must not be used after.
 */
final class TransformCatalog implements AutoCloseable {

  /** Where a jar lists its implementations, for messages. */
  static final String SERVICES_FILE = "META-INF/services/" + EventTransform.class.getName();

  private final List<String> jars;
  private final URLClassLoader loader;
  private final Map<String, ServiceLoader.Provider<EventTransform>> byName;

  private TransformCatalog(
      List<String> jars,
      URLClassLoader loader,
      Map<String, ServiceLoader.Provider<EventTransform>> byName) {
    this.jars = jars;
    this.loader = loader;
    this.byName = byName;
  }

  /**
   * Opens the jars and lists the transforms they provide.
   *
   * @throws TransformPluginException when a jar is missing or unreadable, a listed class cannot be
   *     loaded or made, or two classes claim the same name
   */
  static TransformCatalog open(List<String> jars) {
    List<String> copy = List.copyOf(jars);
    URL[] urls = new URL[copy.size()];
    for (int i = 0; i < urls.length; i++) {
      urls[i] = checkedUrl(copy.get(i));
    }
    // Parent is the loader of the API so that the plugin's EventTransform is the job's own; the
    // plugin cannot bring a copy of the interface that would make its class unusable here.
    URLClassLoader loader =
        new URLClassLoader("lakestream-plugins", urls, EventTransform.class.getClassLoader());
    try {
      return new TransformCatalog(copy, loader, discover(copy, loader));
    } catch (RuntimeException | Error e) {
      closeQuietly(loader, e);
      throw e;
    }
  }

  private static URL checkedUrl(String jar) {
    Path path = Path.of(jar);
    if (!Files.exists(path)) {
      throw new TransformPluginException(
          "plugin jar not found: " + jar + " (listed under plugins: in the pipeline file)");
    }
    if (!Files.isRegularFile(path)) {
      throw new TransformPluginException("plugin jar is not a file: " + jar);
    }
    if (!Files.isReadable(path)) {
      throw new TransformPluginException("plugin jar cannot be read: " + jar);
    }
    // URLClassLoader silently ignores a jar it cannot open, which would surface later as the
    // misleading "no transform named ..."; opening it once here gives the real reason.
    try {
      new JarFile(path.toFile()).close();
      return path.toUri().toURL();
    } catch (MalformedURLException e) {
      throw new UncheckedIOException(e);
    } catch (IOException e) {
      throw new TransformPluginException(
          "plugin jar " + jar + " cannot be opened as a jar: " + e.getMessage(), e);
    }
  }

  private static Map<String, ServiceLoader.Provider<EventTransform>> discover(
      List<String> jars, URLClassLoader loader) {
    Map<String, ServiceLoader.Provider<EventTransform>> byName = new TreeMap<>();
    Map<String, String> classByName = new TreeMap<>();
    List<ServiceLoader.Provider<EventTransform>> providers;
    try {
      providers =
          withContextLoader(
              loader, () -> ServiceLoader.load(EventTransform.class, loader).stream().toList());
    } catch (ServiceConfigurationError | LinkageError e) {
      throw new TransformPluginException(
          "cannot load the classes listed in "
              + SERVICES_FILE
              + " of "
              + describe(jars)
              + ": "
              + e.getMessage(),
          e);
    }
    for (ServiceLoader.Provider<EventTransform> provider : providers) {
      // Only the jars under plugins: provide transforms: an implementation that happens to be on
      // the job's own class path would otherwise add names nobody listed.
      if (provider.type().getClassLoader() != loader) {
        continue;
      }
      String className = provider.type().getName();
      String name = nameOf(jars, loader, provider);
      String other = classByName.putIfAbsent(name, className);
      if (other != null) {
        throw new TransformPluginException(
            "two Java transforms are named '"
                + name
                + "': "
                + other
                + " and "
                + className
                + " (in "
                + describe(jars)
                + "); rename one");
      }
      byName.put(name, provider);
    }
    return byName;
  }

  private static String nameOf(
      List<String> jars, ClassLoader loader, ServiceLoader.Provider<EventTransform> provider) {
    String name;
    try {
      name = withContextLoader(loader, () -> provider.get().name());
    } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
      throw new TransformPluginException(
          "cannot make an instance of "
              + provider.type().getName()
              + " from "
              + describe(jars)
              + " to read its name (it needs a public no-argument constructor): "
              + e,
          e);
    }
    if (name == null || name.isBlank()) {
      throw new TransformPluginException(
          provider.type().getName()
              + " in "
              + describe(jars)
              + " returns an empty name(); return the name the pipeline file uses");
    }
    return name;
  }

  /**
   * A new instance of the transform with this name.
   *
   * @throws TransformPluginException when no jar provides the name; the message lists the names
   *     that are available, or says how to list a class when there are none
   */
  EventTransform newInstance(String name) {
    ServiceLoader.Provider<EventTransform> provider = byName.get(name);
    if (provider == null) {
      throw new TransformPluginException(missingMessage(name));
    }
    try {
      return withContextLoader(loader, provider::get);
    } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
      throw new TransformPluginException(
          "cannot make an instance of Java transform '"
              + name
              + "' ("
              + provider.type().getName()
              + " in "
              + describe(jars)
              + "): "
              + e,
          e);
    }
  }

  private String missingMessage(String name) {
    if (jars.isEmpty()) {
      return "no Java transform named '"
          + name
          + "': the pipeline file lists no jars under plugins:; add the jar that holds it";
    }
    if (byName.isEmpty()) {
      return "no Java transform named '"
          + name
          + "': "
          + describe(jars)
          + (jars.size() == 1 ? " contains" : " contain")
          + " no EventTransform implementation; list the implementing class (one fully"
          + " qualified name per line) in "
          + SERVICES_FILE
          + " inside the jar";
    }
    return "no Java transform named '"
        + name
        + "' in "
        + describe(jars)
        + "; available: "
        + String.join(", ", byName.keySet());
  }

  /** Class name of the transform with this name, for messages; {@code null} if unknown. */
  String className(String name) {
    ServiceLoader.Provider<EventTransform> provider = byName.get(name);
    return provider == null ? null : provider.type().getName();
  }

  /** The loader of the plugin classes; the context class loader while plugin code runs. */
  ClassLoader loader() {
    return loader;
  }

  /** The jars as listed in the pipeline file, for messages. */
  String describeJars() {
    return describe(jars);
  }

  @Override
  public void close() throws IOException {
    loader.close();
  }

  static String describe(List<String> jars) {
    return jars.isEmpty() ? "(no plugin jars)" : String.join(", ", jars);
  }

  /** Runs plugin code with its loader as the thread's context class loader, then restores it. */
  static <T> T withContextLoader(ClassLoader loader, Supplier<T> body) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      return body.get();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  private static void closeQuietly(URLClassLoader loader, Throwable primary) {
    try {
      loader.close();
    } catch (IOException e) {
      primary.addSuppressed(e);
    }
  }
}
