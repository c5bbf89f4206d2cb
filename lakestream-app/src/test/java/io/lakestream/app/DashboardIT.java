package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard of the running example pipeline in headless Chromium: counters move as events
 * arrive, the diagram shows the edge rates, a forced anomaly appears in the alert feed, an invalid
 * event in the error browser, a SQL query renders rows, and a payload with HTML shows as literal
 * text. Then {@code /metrics} agrees with the lake's own counts, and {@code /health} and {@code
 * /ready} answer. A screenshot is saved to {@code target/dashboard-app-screenshot.png}.
 */
class DashboardIT {

  @TempDir Path dir;

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String SCRIPT = "<script>window.__pwned=1</script><b>bold</b>";

  private static String reading(String id, String device, double temperature) {
    return "{\"id\":\""
        + id
        + "\",\"device_id\":\""
        + device
        + "\",\"site\":\"berlin-dc1\",\"ts\":\""
        + Instant.now()
        + "\",\"temperature\":"
        + temperature
        + ",\"humidity\":40.0,\"battery\":90.0,\"firmware\":\"2.4.1\"}";
  }

  private static <T> T waitFor(WebDriver d, String what, Function<WebDriver, T> condition) {
    // The page redraws the diagram when its shape changes: an element read then may be gone.
    return new WebDriverWait(d, Duration.ofSeconds(60))
        .withMessage(what)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(condition);
  }

  private static String text(WebDriver d, String id) {
    return d.findElement(By.id(id)).getText();
  }

  /** Prometheus text: the value of the sample with this name and these labels. */
  static double metric(String scrape, String name, Map<String, String> labels) {
    Pattern line =
        Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
    Matcher m = line.matcher(scrape);
    while (m.find()) {
      Map<String, String> got = new HashMap<>();
      for (String kv : m.group(1).split(",")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          got.put(kv.substring(0, eq), kv.substring(eq + 2, kv.length() - 1));
        }
      }
      if (got.entrySet().containsAll(labels.entrySet())) {
        return Double.parseDouble(m.group(2));
      }
    }
    return Double.NaN;
  }

  private static HttpResponse<String> get(TestStack stack, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(stack.ls.gatewayUrl() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theDashboardShowsTheRunningPipelineAndMetricsAgreeWithTheLake() throws Exception {
    Path profile = Files.createTempDirectory("lakestream-chromium-");
    ChromeDriver d = io.lakestream.dashboard.HeadlessChromium.start(profile);
    try (TestStack stack = TestStack.start(dir.resolve("data"))) {
      d.get(stack.ls.gatewayUrl() + "/");
      waitFor(d, "the live indicator", w -> text(w, "live-text").contains("live") ? true : null);
      assertThat(text(d, "pipeline")).contains("iot-demo");

      // Normal readings, a hot one (the overheating detector's threshold is 70), an invalid one,
      // and a log line whose message is HTML.
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        lines.add(reading("dash-" + i, "th-berlin-004" + (i % 3), 21 + i % 5));
      }
      assertThat(stack.postNdjson("sensors", lines).status()).isEqualTo(202);
      assertThat(
              stack
                  .postNdjson("sensors", List.of(reading("dash-hot", "th-berlin-0042", 88.5)))
                  .status())
          .isEqualTo(202);
      assertThat(
              stack
                  .postNdjson(
                      "sensors",
                      List.of(
                          "{\"id\":\"dash-bad\",\"device_id\":\"th-x\",\"ts\":\""
                              + Instant.now()
                              + "\"}"))
                  .status())
          .isEqualTo(202);
      assertThat(
              stack
                  .postNdjson(
                      "app_logs",
                      List.of(
                          "{\"id\":\"log-html\",\"ts\":\""
                              + Instant.now()
                              + "\",\"service\":\"checkout-api\",\"level\":\"ERROR\","
                              + "\"message\":\""
                              + SCRIPT
                              + "\"}"))
                  .status())
          .isEqualTo(202);

      // Counters move, and the diagram shows the sources' edge rates.
      waitFor(
          d,
          "the received total to count the events",
          w ->
              text(w, "total-received").replace(",", "").matches("\\d+")
                      && Long.parseLong(text(w, "total-received").replace(",", "")) >= 53
                  ? true
                  : null);
      waitFor(
          d,
          "a non-zero edge rate in the diagram",
          w ->
              w.findElements(By.cssSelector("#diagram .edge-label text")).stream()
                      .map(WebElement::getText)
                      .anyMatch(t -> t.matches("[1-9][0-9.,]*/s|0\\.[0-9]*[1-9][0-9]*/s"))
                  ? true
                  : null);
      assertThat(d.findElement(By.id("diagram")).getText()).contains("sensors", "gateway");

      // The hot reading's alert, the invalid event's error group.
      waitFor(d, "the alert", w -> text(w, "alerts").contains("overheating") ? true : null);
      assertThat(text(d, "alerts")).contains("open");
      waitFor(
          d, "the error group", w -> text(w, "error-groups").contains("validate") ? true : null);

      // SQL console: rows, with the HTML message as text.
      WebElement sql = d.findElement(By.id("sql-text"));
      sql.clear();
      sql.sendKeys("SELECT id, level, message FROM curated.app_logs");
      sql.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
      waitFor(d, "the SQL rows", w -> text(w, "sql-status").contains("1 row(s)") ? true : null);
      assertThat(
              d.findElements(By.cssSelector("#sql-result tbody td")).stream()
                  .map(WebElement::getText))
          .contains("log-html", SCRIPT);
      // Search finds it too, as text.
      WebElement q = d.findElement(By.id("search-q"));
      q.sendKeys("service:checkout-api", Keys.ENTER);
      waitFor(
          d, "the search hit", w -> text(w, "search-status").contains("1 hit(s)") ? true : null);
      assertThat(text(d, "search-hits")).contains("<script>window.__pwned=1</script>");
      assertThat(d.executeScript("return typeof window.__pwned")).isEqualTo("undefined");
      assertThat(d.findElements(By.cssSelector("main script"))).isEmpty();
      assertThat(d.findElements(By.xpath("//b[text()='bold']"))).isEmpty();

      Files.createDirectories(Path.of("target"));
      Files.write(
          Path.of("target", "dashboard-app-screenshot.png"), d.getScreenshotAs(OutputType.BYTES));

      // /metrics agrees with the lake once it committed everything.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  stack.count("SELECT count(*) FROM curated.sensors") == 51
                      && stack.count("SELECT count(*) FROM errors.records") >= 1);
      long curated = stack.count("SELECT count(*) FROM curated.sensors");
      long raw = stack.count("SELECT count(*) FROM raw.sensors");
      long invalid =
          stack.count(
              "SELECT count(*) FROM errors.records WHERE stage = 'validate' AND source = 'sensors'");
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> {
                String scrape = get(stack, "/metrics").body();
                assertThat(
                        metric(scrape, "lakestream_lake_rows", Map.of("table", "curated.sensors")))
                    .isEqualTo(curated);
                assertThat(metric(scrape, "lakestream_lake_rows", Map.of("table", "raw.sensors")))
                    .isEqualTo(raw);
                assertThat(
                        metric(
                            scrape,
                            "lakestream_errors_total",
                            Map.of("stage", "validate", "source", "sensors")))
                    .isEqualTo(invalid);
                assertThat(
                        metric(
                            scrape,
                            "lakestream_source_events_accepted_total",
                            Map.of("source", "sensors")))
                    .isEqualTo(52);
                // The job's own figures come through Flink's metric reporter.
                Matcher cp =
                    Pattern.compile("(?m)^lakestream_checkpoints_completed (\\S+)$")
                        .matcher(scrape);
                assertThat(cp.find()).as(scrape).isTrue();
                assertThat(Double.parseDouble(cp.group(1))).as(scrape).isGreaterThan(0);
                // (The watermark delay stays NaN here: a source's watermark waits for every
                // raw-topic lane to have an event or to be idle for the idle timeout.)
                assertThat(scrape).contains("lakestream_watermark_delay_seconds");
                assertThat(scrape).contains("jvm_memory_used_bytes");
                // Commit durations, reported by Iceberg itself.
                assertThat(
                        metric(
                            scrape,
                            "lakestream_lake_commit_duration_seconds_count",
                            Map.of("table", "curated.sensors")))
                    .as(scrape)
                    .isGreaterThan(0);
              });
      // Page load to first live figures, reported (not asserted): a fresh load with an empty
      // cache first, then warm reloads.
      List<Long> loads = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        if (i == 0) {
          d.executeCdpCommand("Network.enable", Map.of());
          d.executeCdpCommand("Network.clearBrowserCache", Map.of());
        }
        d.get("about:blank");
        long t0 = System.nanoTime();
        d.get(stack.ls.gatewayUrl() + "/");
        new WebDriverWait(d, Duration.ofSeconds(30))
            .pollingEvery(Duration.ofMillis(5))
            .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
            .until(
                w ->
                    text(w, "total-received").replace(",", "").matches("\\d+")
                        && w.findElements(By.cssSelector("#diagram .edge-label text")).size() > 0);
        loads.add((System.nanoTime() - t0) / 1_000_000);
      }
      List<Long> warm = new ArrayList<>(loads.subList(1, loads.size()));
      java.util.Collections.sort(warm);
      String figures =
          String.format(
              "dashboard page load to first live figures: cold %d ms, warm median %d ms (%s)%n",
              loads.get(0), warm.get(warm.size() / 2), warm);
      new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true)
          .print(figures);
      Files.writeString(Path.of("target", "dashboard-load.txt"), figures);

      HttpResponse<String> health = get(stack, "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      HttpResponse<String> ready = get(stack, "/ready");
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    } finally {
      d.quit();
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }
}
