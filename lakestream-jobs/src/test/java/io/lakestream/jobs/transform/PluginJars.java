package io.lakestream.jobs.transform;

import io.lakestream.api.transform.EventTransform;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * A test helper that compiles Java sources against the Lakestream API and packages them as a plugin
 * jar, the way a user would build one.
 *
 * <pre>{@code
 * Path jar = PluginJars.build(tempDir,
 *     Map.of("acme.Upper", "package acme; public class Upper implements ... { ... }"),
 *     Map.of(EventTransform.class.getName(), "acme.Upper"));
 * }</pre>
 */
public final class PluginJars {

  private PluginJars() {}

  /**
   * Compiles the sources and writes a jar of the classes and services files into {@code dir}.
   *
   * @param dir where the jar (and the sources and classes it is made from) go; each call makes a
   *     new jar
   * @param sources Java source text by fully qualified class name
   * @param services content of {@code META-INF/services/<key>} by service interface name, e.g.
   *     {@code io.lakestream.api.transform.EventTransform} to a line per implementing class; empty
   *     for a jar without services files
   * @return the jar's path
   * @throws AssertionError when the sources do not compile; the message holds the compiler's
   *     diagnostics
   */
  public static Path build(Path dir, Map<String, String> sources, Map<String, String> services) {
    try {
      Path work = Files.createTempDirectory(dir, "plugin-build-");
      Path src = work.resolve("src");
      Path classes = work.resolve("classes");
      Files.createDirectories(classes);
      List<Path> files = new ArrayList<>();
      for (Map.Entry<String, String> source : sources.entrySet()) {
        Path file = src.resolve(source.getKey().replace('.', '/') + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source.getValue());
        files.add(file);
      }
      if (!files.isEmpty()) {
        compile(files, classes);
      }
      Path jar = Files.createTempFile(dir, "plugin-", ".jar");
      writeJar(jar, classes, services);
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Where the API classes are: the test's own class path, because surefire may run the tests with a
   * manifest-only jar that hides it from {@code java.class.path}.
   */
  static Path apiClassPath() {
    try {
      return Path.of(
          EventTransform.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void compile(List<Path> files, Path classes) throws IOException {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    if (compiler == null) {
      throw new IllegalStateException("tests need a JDK (javax.tools finds no Java compiler)");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager fileManager =
        compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
      List<String> options =
          List.of(
              "-classpath",
              apiClassPath().toString(),
              "-d",
              classes.toString(),
              "-proc:none",
              "-encoding",
              "UTF-8");
      boolean ok =
          compiler
              .getTask(
                  null,
                  fileManager,
                  diagnostics,
                  options,
                  null,
                  fileManager.getJavaFileObjectsFromPaths(files))
              .call();
      if (!ok) {
        StringBuilder message = new StringBuilder("plugin sources do not compile:");
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
          message.append('\n').append(d);
        }
        throw new AssertionError(message.toString());
      }
    }
  }

  private static void writeJar(Path jar, Path classes, Map<String, String> services)
      throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream jarOut = new JarOutputStream(out, manifest);
        Stream<Path> walk = Files.walk(classes)) {
      for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
        // Jar entry names always use '/', whatever the platform's separator.
        String name =
            classes.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
        jarOut.putNextEntry(new JarEntry(name));
        Files.copy(file, jarOut);
        jarOut.closeEntry();
      }
      for (Map.Entry<String, String> service : services.entrySet()) {
        jarOut.putNextEntry(new JarEntry("META-INF/services/" + service.getKey()));
        jarOut.write(service.getValue().getBytes(StandardCharsets.UTF_8));
        jarOut.closeEntry();
      }
    }
  }
}
