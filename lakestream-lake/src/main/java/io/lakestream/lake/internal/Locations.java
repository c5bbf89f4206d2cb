package io.lakestream.lake.internal;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/** Turns the locations found in configs and Iceberg metadata into local paths, and back. */
public final class Locations {

  private static final String SQLITE_PREFIX = "jdbc:sqlite:";

  // A URI scheme is at least two characters so that a Windows drive ("C:\lake") is not one.
  private static final Pattern SCHEME =
      Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*", Pattern.DOTALL);

  private Locations() {}

  /** Whether the location is a plain path or a {@code file:} URI, i.e. on this machine. */
  public static boolean isLocal(String location) {
    return location.startsWith("file:") || !SCHEME.matcher(location).matches();
  }

  /**
   * The warehouse as Iceberg should record it: local paths become absolute {@code file://} URIs so
   * that table locations do not depend on the working directory of whoever created them (the CLI,
   * the Flink job and a second process all resolve them alike); other URIs are kept as given.
   */
  public static String warehouse(String warehouse) {
    String w = stripTrailingSlashes(warehouse.trim());
    if (!isLocal(w) || w.startsWith("file:")) {
      return w;
    }
    // Not Path.toUri(): it percent-encodes, and Hadoop would then encode the '%' a second time.
    return "file://" + slashes(Path.of(w).toAbsolutePath().normalize().toString());
  }

  /** The local directory of a warehouse, when it is on this machine. */
  public static Optional<Path> warehouseDir(String warehouse) {
    String w = warehouse(warehouse);
    return isLocal(w) ? Optional.of(Path.of(localPath(w))) : Optional.empty();
  }

  /**
   * A JDBC URI with a relative SQLite file made absolute, for the same reason as {@link
   * #warehouse}; every other URI is returned unchanged.
   */
  public static String catalogUri(String uri) {
    String u = uri.trim();
    return sqliteFile(u).map(p -> SQLITE_PREFIX + p + sqliteQuery(u)).orElse(u);
  }

  /** The database file of a {@code jdbc:sqlite:} URI naming a plain file (not memory, not URI). */
  public static Optional<Path> sqliteFile(String uri) {
    if (!uri.startsWith(SQLITE_PREFIX)) {
      return Optional.empty();
    }
    String rest = uri.substring(SQLITE_PREFIX.length());
    int q = rest.indexOf('?');
    String file = q < 0 ? rest : rest.substring(0, q);
    // ":memory:", ":resource:..." and "file:..." URI filenames are left to the driver.
    if (file.isEmpty() || file.startsWith(":") || file.startsWith("file:")) {
      return Optional.empty();
    }
    return Optional.of(Path.of(file).toAbsolutePath().normalize());
  }

  /** Whether a JDBC URI points at SQLite. */
  public static boolean isSqlite(String uri) {
    return uri.trim().startsWith(SQLITE_PREFIX);
  }

  /**
   * The local file system path of a local location ({@code /a/b}, {@code file:/a/b}, {@code
   * file:///a/b}, {@code file://localhost/a/b}).
   *
   * @throws IllegalArgumentException when the location is not on this machine
   */
  public static String localPath(String location) {
    if (!isLocal(location)) {
      throw new IllegalArgumentException("not a local path: " + location);
    }
    if (!location.startsWith("file:")) {
      return location;
    }
    String p = location.substring("file:".length());
    if (p.startsWith("//")) {
      int slash = p.indexOf('/', 2);
      String authority = slash < 0 ? p.substring(2) : p.substring(2, slash);
      if (!authority.isEmpty() && !authority.equalsIgnoreCase("localhost")) {
        throw new IllegalArgumentException("not a local path: " + location);
      }
      p = slash < 0 ? "/" : p.substring(slash);
    }
    // "file:/C:/lake" on Windows.
    if (p.length() > 2 && p.charAt(0) == '/' && p.charAt(2) == ':') {
      p = p.substring(1);
    }
    return p;
  }

  private static String sqliteQuery(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? "" : uri.substring(q);
  }

  private static String slashes(String path) {
    String s = path.replace('\\', '/');
    return s.startsWith("/") ? s : "/" + s;
  }

  private static String stripTrailingSlashes(String s) {
    String r = s;
    while (r.length() > 1 && r.endsWith("/") && !r.endsWith(":/") && !r.endsWith("://")) {
      r = r.substring(0, r.length() - 1);
    }
    return r;
  }
}
