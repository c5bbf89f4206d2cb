package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.lake.LakeCatalog;
import io.lakestream.lake.SqlEngine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lakestream up} as a user runs it: a separate process that prints where it listens, accepts
 * events, stops cleanly on SIGTERM (what Ctrl-C and service managers send) and resumes from its
 * savepoint on the next start.
 */
class UpCommandIT {

  private static final String PIPELINE = "../examples/iot/pipeline.yaml";
  private static final Pattern GATEWAY = Pattern.compile("HTTP gateway\\s+(http://\\S+)");

  @TempDir Path dataDir;

  private UpProcess start() throws Exception {
    return UpProcess.start(Path.of(PIPELINE), dataDir);
  }

  @Test
  void upServesStopsOnSigtermAndResumes() throws Exception {
    UpProcess first = start();
    try {
      String banner = first.awaitLine("HTTP gateway", Duration.ofMinutes(2));
      first.awaitLine("Press Ctrl-C to stop.", Duration.ofSeconds(10));
      Matcher m = GATEWAY.matcher(banner);
      assertThat(m.find()).as(banner).isTrue();
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(m.group(1) + "/v1/sources/sensors/events"))
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"id\":\"up-1\",\"device_id\":\"th-1\","
                                  + "\"ts\":\"2026-11-23T14:00:00Z\",\"temperature\":20.5}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(202);

      // SIGTERM through the handle: Process.destroy() would also close our end of its stdout
      first.process().toHandle().destroy();
      assertThat(first.process().waitFor(2, TimeUnit.MINUTES)).isTrue();
      assertThat(first.process().exitValue()).as("exit code after SIGTERM").isZero();
      first.awaitLine("Stopped.", Duration.ofSeconds(10));
      assertThat(first.process().exitValue()).isZero();
    } finally {
      first.process().destroyForcibly();
    }

    // the savepoint committed the event: it is in the lake with nothing running
    PipelineConfig cfg =
        PipelineLoader.load(Path.of(PIPELINE), Map.of("data_dir", dataDir.toString()));
    try (LakeCatalog lake = LakeCatalog.open(cfg.lake());
        SqlEngine sql = SqlEngine.open(lake.catalog())) {
      assertThat(sql.query("SELECT id FROM raw.sensors").rows())
          .extracting(row -> row.get(0))
          .containsExactly("up-1");
    }

    UpProcess second = start();
    try {
      String resumed = second.awaitLine("is up", Duration.ofMinutes(2));
      assertThat(resumed).contains("resumed from savepoint-");
    } finally {
      second.process().toHandle().destroy();
      second.process().waitFor(2, TimeUnit.MINUTES);
      second.process().destroyForcibly();
    }
  }
}
