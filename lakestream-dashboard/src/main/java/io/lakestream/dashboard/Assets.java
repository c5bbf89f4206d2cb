package io.lakestream.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The page and its assets, read once from the class path. The page's own script and style sheet are
 * published under names carrying a hash of their content, the chart library under its version, so
 * browsers may cache them for a year; the page itself is always revalidated.
 */
final class Assets {

  /** Everything the page loads comes from this server; no inline script runs. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
          + "frame-ancestors 'self'";

  private static final String OWN = "io/lakestream/dashboard/";
  private static final String UPLOT_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";

  /** One served file. */
  record Asset(byte[] bytes, String contentType, boolean versioned, String etag) {}

  private final Map<String, Asset> byName;
  private final byte[] page;

  private Assets(Map<String, Asset> byName, byte[] page) {
    this.byName = byName;
    this.page = page;
  }

  static Assets load() {
    Map<String, Asset> assets = new LinkedHashMap<>();
    String uplotVersion = uplotVersion();
    String uplotDir = "META-INF/resources/webjars/uplot/" + uplotVersion + "/dist/";
    String uplotJs = "uplot-" + uplotVersion + ".min.js";
    String uplotCss = "uplot-" + uplotVersion + ".min.css";
    put(assets, uplotJs, read(uplotDir + "uPlot.iife.min.js"), true);
    put(assets, uplotCss, read(uplotDir + "uPlot.min.css"), true);

    byte[] js = read(OWN + "assets/dashboard.js");
    byte[] css = read(OWN + "assets/dashboard.css");
    String jsName = "dashboard-" + shortHash(js) + ".js";
    String cssName = "dashboard-" + shortHash(css) + ".css";
    put(assets, jsName, js, true);
    put(assets, cssName, css, true);
    // unversioned aliases, for people and tools that want a stable address
    put(assets, "dashboard.js", js, false);
    put(assets, "dashboard.css", css, false);

    String html =
        new String(read(OWN + "index.html"), StandardCharsets.UTF_8)
            .replace("{{uplot.js}}", uplotJs)
            .replace("{{uplot.css}}", uplotCss)
            .replace("{{dashboard.js}}", jsName)
            .replace("{{dashboard.css}}", cssName);
    return new Assets(Map.copyOf(assets), html.getBytes(StandardCharsets.UTF_8));
  }

  byte[] page() {
    return page;
  }

  /** The asset of that name, or {@code null}. */
  Asset get(String name) {
    return name == null ? null : byName.get(name);
  }

  private static void put(Map<String, Asset> assets, String name, byte[] bytes, boolean versioned) {
    String type;
    if (name.endsWith(".js")) {
      type = "text/javascript; charset=utf-8";
    } else if (name.endsWith(".css")) {
      type = "text/css; charset=utf-8";
    } else {
      type = "application/octet-stream";
    }
    assets.put(name, new Asset(bytes, type, versioned, "\"" + shortHash(bytes) + "\""));
  }

  private static String uplotVersion() {
    Properties p = new Properties();
    try (InputStream in = resource(UPLOT_POM)) {
      p.load(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + UPLOT_POM + ": " + e.getMessage(), e);
    }
    String v = p.getProperty("version");
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(UPLOT_POM + " names no version");
    }
    return v.trim();
  }

  private static byte[] read(String path) {
    try (InputStream in = resource(path)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  private static InputStream resource(String path) {
    InputStream in = Assets.class.getClassLoader().getResourceAsStream(path);
    if (in == null) {
      throw new IllegalStateException(
          "the dashboard needs "
              + path
              + " on the class path (the uPlot webjar org.webjars.npm:uplot and this module's"
              + " resources); is the jar complete?");
    }
    return in;
  }

  private static String shortHash(byte[] bytes) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
