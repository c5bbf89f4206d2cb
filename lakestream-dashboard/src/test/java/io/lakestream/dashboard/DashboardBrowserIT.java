package io.lakestream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in headless Chromium against {@link FakeLakestream}: live counters, the diagram, the
 * alert feed, the error browser, the SQL console, search, and that HTML payloads in data show as
 * text. Needs Debian's {@code chromium} and {@code chromium-driver} (or {@code -Dchromium.binary}
 * and {@code -Dchromedriver.binary}).
 */
class DashboardBrowserIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private static ChromeDriver driver;
  private static Path profile;
  private FakeLakestream server;

  @BeforeAll
  static void startBrowser() throws Exception {
    profile = Files.createTempDirectory("dashboard-chromium-");
    driver = HeadlessChromium.start(profile);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
  }

  @AfterAll
  static void stopBrowser() throws Exception {
    if (driver != null) {
      driver.quit();
    }
    if (profile != null) {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private <T> T waitFor(String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, WAIT).withMessage(what).until(condition);
  }

  private String text(String id) {
    return driver.findElement(By.id(id)).getText();
  }

  private void waitForText(String id, String expected) {
    waitFor(
        "#" + id + " to show '" + expected + "'", d -> text(id).contains(expected) ? true : null);
  }

  @Test
  void thePageShowsLiveFiguresPanelsAndDataAsText() throws Exception {
    server = new FakeLakestream(Duration.ofMillis(300), null);
    driver.manage().logs().get(LogType.BROWSER); // drops what earlier tests logged
    driver.get(server.baseUrl() + "/dashboard");

    // live header: connected, counters move without reload
    waitForText("live-text", "live");
    waitForText("pipeline", "demo");
    String first =
        waitFor(
            "a first count",
            d -> text("total-received").matches("[0-9,]+") ? text("total-received") : null);
    waitFor("the count to move", d -> !text("total-received").equals(first) ? true : null);
    assertThat(text("uptime")).matches("\\d+h \\d+m");
    assertThat(text("memory")).contains("MiB").contains("GiB");

    // diagram: edge rates and the marked nodes, text and not only colour
    WebElement behind =
        waitFor(
            "a behind node",
            d ->
                d.findElements(By.cssSelector("#diagram g.node.behind")).stream()
                    .findFirst()
                    .orElse(null));
    assertThat(behind.getText()).contains("curate", "behind", "watermark");
    assertThat(behind.findElement(By.tagName("title")).getAttribute("textContent"))
        .contains("watermark 5 min behind the input");
    assertThat(driver.findElement(By.cssSelector("#diagram g.node.failing")).getText())
        .contains("failing");
    List<String> rates =
        driver.findElements(By.cssSelector("#diagram .edge-label text")).stream()
            .map(WebElement::getText)
            .toList();
    assertThat(rates).contains("48.5/s", "54.8/s", "1.50/s", "0.00/s");
    // the source table and the diagram show a name with HTML as text
    assertThat(text("sources")).contains("sensors", FakeLakestream.SOURCE_PAYLOAD, "48.5");

    // alert feed: an open alert, newest first; its events on click
    waitForText("alerts", "temp_spike");
    List<WebElement> alerts = driver.findElements(By.cssSelector("#alerts li"));
    assertThat(alerts.get(0).getText())
        .contains("open", "temp_spike", "sensors.temp [s2]", FakeLakestream.IMG_PAYLOAD);
    assertThat(alerts.get(1).getText()).contains("resolved");
    alerts.get(0).click();
    waitForText("alert-detail", "2 of 2 event(s) from curated.sensors");
    assertThat(text("alert-detail")).contains("e-1", "99.5", FakeLakestream.SCRIPT_PAYLOAD);

    // error browser: a group with its count; samples on click
    waitForText("error-groups", "invalid JSON");
    WebElement group = driver.findElement(By.cssSelector("#error-groups tbody tr"));
    assertThat(group.getText()).contains("parse", "invalid JSON", "37");
    group.click();
    waitForText("error-samples", "10.0.0.7");
    assertThat(text("error-samples")).contains("{\"temp\": " + FakeLakestream.SCRIPT_PAYLOAD);

    // chart: the aggregates table with its keys and the anomaly
    waitForText("chart-status", "1 anomaly");
    assertThat(text("chart-status")).contains("2 key(s)", "31 window(s)");
    assertThat(driver.findElements(By.cssSelector("#chart canvas"))).isNotEmpty();

    // SQL console: Ctrl+Enter runs, rows as a table
    WebElement sql = driver.findElement(By.id("sql-text"));
    sql.clear();
    sql.sendKeys("SELECT sensor, temp FROM curated.sensors ORDER BY sensor");
    sql.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
    waitForText("sql-status", "3 row(s)");
    List<WebElement> cells = driver.findElements(By.cssSelector("#sql-result tbody td"));
    assertThat(cells.stream().map(WebElement::getText))
        .contains("s1", "21.5", FakeLakestream.SCRIPT_PAYLOAD);
    driver.findElement(By.id("sql-plot")).click();
    waitFor(
        "the quick chart",
        d -> d.findElements(By.cssSelector("#sql-chart canvas")).isEmpty() ? null : true);
    // an error answer shows its message
    sql.clear();
    sql.sendKeys("SELECT nonsense");
    driver.findElement(By.id("sql-run")).click();
    waitForText("sql-status", "the stand-in does not know");

    // search: hits and facets
    WebElement q = driver.findElement(By.id("search-q"));
    q.sendKeys("boom");
    q.sendKeys(Keys.ENTER);
    waitForText("search-status", "2 hit(s)");
    // events show as JSON text: the payload's quotes are escaped, its brackets are not
    assertThat(text("search-hits"))
        .contains("boom " + FakeLakestream.IMG_PAYLOAD.replace("\"", "\\\""), "slow disk");
    assertThat(text("search-facets")).contains("ERROR", "3", "WARN", FakeLakestream.SOURCE_PAYLOAD);
    driver.findElement(By.cssSelector("#search-facets button")).click();
    waitFor(
        "the facet in the query",
        d ->
            d.findElement(By.id("search-q")).getDomProperty("value").contains("level:\"ERROR\"")
                ? true
                : null);

    Files.createDirectories(Path.of("target"));
    Files.write(
        Path.of("target", "dashboard-screenshot.png"), driver.getScreenshotAs(OutputType.BYTES));
    driver.executeCdpCommand(
        "Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
    try {
      Files.write(
          Path.of("target", "dashboard-screenshot-dark.png"),
          driver.getScreenshotAs(OutputType.BYTES));
    } finally {
      driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
    }

    // nothing in the data ran as script
    assertThat(driver.executeScript("return typeof window.__pwned")).isEqualTo("undefined");
    assertThat(driver.findElements(By.cssSelector("main img, main script"))).isEmpty();
    // no script error, no blocked resource; the one refused query answered 400 on purpose
    List<String> severe =
        driver.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
            .map(LogEntry::getMessage)
            .filter(m -> !(m.contains("/v1/sql") && m.contains("400")))
            .toList();
    assertThat(severe).isEmpty();
  }

  @Test
  void searchNotConfiguredIsSaidPlainly() {
    server = new FakeLakestream(Duration.ofMillis(500), null);
    server.searchConfigured(false);
    driver.get(server.baseUrl() + "/");
    WebElement q = waitFor("the search box", d -> d.findElement(By.id("search-q")));
    q.sendKeys("anything", Keys.ENTER);
    waitForText("search-status", "search is not configured");
    server.searchConfigured(true);
    q.clear();
    q.sendKeys("((", Keys.ENTER);
    waitForText("search-status", "unbalanced parentheses");
    // an index without the facet fields still answers, without facets
    q.clear();
    q.sendKeys("nofacets", Keys.ENTER);
    waitForText("search-status", "facets unavailable: unknown field 'service'");
    assertThat(text("search-status")).contains("2 hit(s)");
    assertThat(text("search-hits")).contains("slow disk");
    assertThat(text("search-facets")).isEmpty();
  }

  @Test
  void aRefusedCallAsksForAKeyAndThenStreamsWithIt() {
    server = new FakeLakestream(Duration.ofMillis(300), FakeLakestream.KEY);
    driver.get(server.baseUrl() + "/dashboard");
    waitFor("the key form", d -> d.findElement(By.id("key-form")).isDisplayed() ? true : null);
    waitForText("live-text", "API key needed");
    WebElement key = driver.findElement(By.id("key-input"));
    key.sendKeys(FakeLakestream.KEY, Keys.ENTER);
    waitForText("live-text", "live");
    String first =
        waitFor(
            "a first count",
            d -> text("total-received").matches("[0-9,]+") ? text("total-received") : null);
    waitFor("the count to move", d -> !text("total-received").equals(first) ? true : null);
    assertThat(driver.findElement(By.id("key-form")).isDisplayed()).isFalse();
    waitForText("alerts", "temp_spike");
    assertThat(driver.executeScript("return sessionStorage.getItem('lakestream.dashboard.key')"))
        .isEqualTo(FakeLakestream.KEY);
    driver.executeScript("sessionStorage.clear()");
  }

  @Test
  void basicCredentialsOfTheBrowserAreEnough() {
    server = new FakeLakestream(Duration.ofMillis(300), FakeLakestream.KEY);
    String basic =
        Base64.getEncoder()
            .encodeToString(("ops:" + FakeLakestream.KEY).getBytes(StandardCharsets.UTF_8));
    driver.executeCdpCommand("Network.enable", Map.of());
    driver.executeCdpCommand(
        "Network.setExtraHTTPHeaders",
        Map.of("headers", Map.of("Authorization", "Basic " + basic)));
    try {
      driver.get(server.baseUrl() + "/dashboard");
      waitForText("live-text", "live");
      String first =
          waitFor(
              "a first count",
              d -> text("total-received").matches("[0-9,]+") ? text("total-received") : null);
      waitFor("the count to move", d -> !text("total-received").equals(first) ? true : null);
      assertThat(driver.findElement(By.id("key-form")).isDisplayed()).isFalse();
      // EventSource, not the fetch reader: no key was entered
      assertThat(driver.executeScript("return window.lakestreamDashboard.live.es !== null"))
          .isEqualTo(true);
    } finally {
      driver.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of()));
    }
  }

  @Test
  void reloadsGiveTheirStreamBack() throws Exception {
    // Each page holds one long-lived stream. Unless the page closes it when it goes away, every
    // reload leaves one open, and the seventh load waits about a minute for the browser's
    // six-connections-per-server limit.
    server = new FakeLakestream(Duration.ofMillis(500), null);
    for (int i = 0; i < 10; i++) {
      driver.get("about:blank");
      long t0 = System.nanoTime();
      driver.get(server.baseUrl() + "/");
      waitFor(
          "first figures of load " + i,
          d -> text("total-received").replace(",", "").matches("\\d+") ? true : null);
      assertThat(Duration.ofNanos(System.nanoTime() - t0))
          .as("load %d to first figures", i)
          .isLessThan(Duration.ofSeconds(10));
    }
    driver.get("about:blank");
    // The server notices the closed streams at its next writes.
    waitFor("the streams to close", d -> server.dashboard.openStreams() == 0 ? true : null);
  }

  @Test
  void theStreamReconnectsAfterTheServerComesBack() throws Exception {
    server = new FakeLakestream(Duration.ofMillis(300), null);
    driver.get(server.baseUrl() + "/dashboard");
    waitForText("live-text", "live");
    waitFor("one stream", d -> server.dashboard.openStreams() == 1 ? true : null);
    // the page keeps a single stream
    Thread.sleep(1000);
    assertThat(server.dashboard.openStreams()).isEqualTo(1);
    server.dashboard.close(); // ends the stream as a restart would
    waitForText("live-text", "reconnecting");
  }
}
