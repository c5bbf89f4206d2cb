package io.lakestream.source.logs.fluent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.api.config.FluentSettings;
import io.lakestream.api.ingest.RawRecord;
import io.lakestream.api.ingest.SourceCounters;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source against a real client: Fluentd's Python logger ({@code python3-fluent-logger}, module
 * {@code fluent.sender}), run by {@code /usr/bin/python3}.
 *
 * <p>That library has no {@code require_ack_response}; the script's ack mode extends its {@code
 * FluentSender} to send the {@code chunk} option and wait for the ack, as Fluentd's {@code
 * out_forward} does (see {@code fluent_client.py}).
 */
class FluentSourcePythonClientTest {

  private static final String PYTHON = "/usr/bin/python3";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration QUIET = Duration.ofMillis(300);

  @TempDir static Path dir;
  private static Path script;

  private final SourceCounters counters = new SourceCounters("logs");
  private final List<String> output = new CopyOnWriteArrayList<>();
  private FluentSource fluent;
  private Process client;
  private Thread outputReader;

  @BeforeAll
  static void needsTheLibrary() throws Exception {
    Process check =
        new ProcessBuilder(PYTHON, "-c", "import fluent.sender").redirectErrorStream(true).start();
    String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!check.waitFor(30, TimeUnit.SECONDS) || check.exitValue() != 0) {
      fail(
          PYTHON
              + " cannot import fluent.sender; install the client with `apt-get install"
              + " python3-fluent-logger`. Python said: "
              + out);
    }
    script = dir.resolve("fluent_client.py");
    try (InputStream in =
        FluentSourcePythonClientTest.class.getResourceAsStream("fluent_client.py")) {
      Files.copy(in, script);
    }
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.destroyForcibly();
    }
    if (fluent != null) {
      fluent.close();
    }
  }

  @Test
  void recordsWithoutAcksArriveWithTheirFields() throws Exception {
    FakeSink sink = FakeSink.completing();
    int count = 200;

    run(sink, count, "plain");

    assertThat(exitCode()).as("client output %s", output).isZero();
    assertThat(output).contains("done");
    await().until(() -> sink.records().size() == count);
    List<RawRecord> records = sink.records();
    for (int i = 0; i < count; i++) {
      RawRecord r = records.get(i);
      JsonNode j = JSON.readTree(r.value());
      assertThat(r.error()).isNull();
      assertThat(j.get("seq").asInt()).isEqualTo(i);
      assertThat(j.get("message").asText()).isEqualTo("hello " + i);
      assertThat(j.get("text").asText()).isEqualTo("ünïcödé ✓");
      assertThat(j.get("nested")).isEqualTo(JSON.readTree("{\"level\":1,\"tags\":[\"a\",\"b\"]}"));
      assertThat(j.get("tag").asText()).isEqualTo("app.web");
      assertThat(j.get("time").asText())
          .isEqualTo(Instant.ofEpochSecond(1_700_000_000L + i, 500_000_000).toString());
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("web-" + (i % 3));
      assertThat(r.origin()).startsWith("fluent 127.0.0.1:").endsWith(" record 0");
    }
    assertThat(records.get(0).id()).isEqualTo("own-id-0");
    assertThat(records.get(0).idGenerated()).isFalse();
    assertThat(records.subList(1, count)).allSatisfy(r -> assertThat(r.idGenerated()).isTrue());
    assertThat(counters.accepted()).isEqualTo(count);
  }

  @Test
  void theClientGetsItsAckOnlyAfterKafkaHasTheRecords() throws Exception {
    FakeSink sink = FakeSink.holding();
    int count = 20;

    run(sink, count, "ack");

    await().until(() -> sink.size() == 1 && output.stream().anyMatch(l -> l.startsWith("waiting")));
    await()
        .during(QUIET)
        .atMost(Duration.ofSeconds(5))
        .until(() -> client.isAlive() && output.stream().noneMatch(l -> l.startsWith("acked")));
    sink.completeFromNowOn();

    assertThat(exitCode()).as("client output %s", output).isZero();
    List<String> acked = output.stream().filter(l -> l.startsWith("acked")).toList();
    assertThat(acked).hasSize(count);
    List<RawRecord> records = sink.records();
    assertThat(records).hasSize(count);
    assertThat(records.get(0).id()).isEqualTo("own-id-0");
    for (int i = 1; i < count; i++) {
      String chunk = acked.get(i).split(" ")[2];
      assertThat(records.get(i).id()).isEqualTo(chunk + "-0");
      assertThat(records.get(i).idGenerated()).isFalse();
      assertThat(records.get(i).origin()).contains(" chunk " + chunk + " record 0");
    }
  }

  @Test
  void whenKafkaFailsTheClientGetsNoAckAndSeesTheConnectionClose() throws Exception {
    FakeSink sink = FakeSink.holding();

    run(sink, 5, "ack");
    await().until(() -> sink.size() == 1);
    sink.batch(0).future().completeExceptionally(new IOException("broker down"));

    assertThat(exitCode()).as("client output %s", output).isEqualTo(1);
    assertThat(output).noneMatch(l -> l.startsWith("acked"));
    assertThat(output).anyMatch(l -> l.startsWith("error 0") && l.contains("before the ack"));
    assertThat(counters.rejected()).isEqualTo(1);
  }

  private void run(FakeSink sink, int count, String mode) throws IOException {
    fluent =
        FluentSource.create(
            FluentSourceTest.config(new FluentSettings("127.0.0.1", 0, 16L << 20, 1_000_000)),
            sink,
            counters);
    fluent.start();
    client =
        new ProcessBuilder(
                PYTHON,
                script.toString(),
                "127.0.0.1",
                Integer.toString(fluent.port()),
                Integer.toString(count),
                mode)
            .redirectErrorStream(true)
            .start();
    outputReader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  output.add(line);
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            "python-client-output");
    outputReader.setDaemon(true);
    outputReader.start();
  }

  private int exitCode() throws InterruptedException {
    assertThat(client.waitFor(60, TimeUnit.SECONDS)).as("client finished").isTrue();
    outputReader.join(TimeUnit.SECONDS.toMillis(10)); // its last lines, up to end of stream
    return client.exitValue();
  }
}
