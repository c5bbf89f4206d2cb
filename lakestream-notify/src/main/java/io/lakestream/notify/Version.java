package io.lakestream.notify;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The Lakestream version, for the {@code User-Agent} header. */
final class Version {

  static final String VERSION = load();
  static final String USER_AGENT = "lakestream/" + VERSION;

  private Version() {}

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version", "");
        if (!v.isBlank() && !v.startsWith("${")) {
          return v.trim();
        }
      }
    } catch (IOException e) {
      // fall through to the default
    }
    return "dev";
  }
}
