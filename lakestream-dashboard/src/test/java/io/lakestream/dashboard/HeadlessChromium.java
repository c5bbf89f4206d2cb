package io.lakestream.dashboard;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Headless Chromium driven through chromedriver, for the dashboard's browser tests: Debian's {@code
 * chromium} and {@code chromium-driver}, or the binaries {@code -Dchromium.binary} and {@code
 * -Dchromedriver.binary} name. The browser's console is kept ({@code LogType.BROWSER}).
 */
public final class HeadlessChromium {

  private static final Path CHROMIUM =
      Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
  private static final Path DRIVER =
      Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));

  private HeadlessChromium() {}

  /** A browser with its profile in {@code profile}; fails the test, saying what to install. */
  public static ChromeDriver start(Path profile) {
    for (Path p : List.of(CHROMIUM, DRIVER)) {
      if (!Files.isExecutable(p)) {
        fail(
            "The dashboard browser tests need headless Chromium and its driver, but "
                + p
                + " is missing. Install them with: apt-get install -y chromium chromium-driver"
                + " (or point -Dchromium.binary / -Dchromedriver.binary at them).");
      }
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,2600",
        "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    return new ChromeDriver(
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .build(),
        options);
  }
}
