package io.lakestream.source.logs.syslog;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.api.config.EventTimeConfig;
import io.lakestream.api.config.SourceConfig;
import io.lakestream.api.config.SyslogSettings;
import io.lakestream.api.ingest.RawRecord;
import io.lakestream.api.ingest.SourceCounters;
import io.lakestream.source.logs.syslog.RecordingSink.Mode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SyslogSourceTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX = 64 * 1024;

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private SourceCounters counters;

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  // ---- with util-linux logger ----

  @Test
  void loggerTcpRfc5424WithStructuredData() throws Exception {
    RecordingSink sink = new RecordingSink(Mode.COMPLETE);
    SyslogSource s = start(sink, "host", 0, null, MAX);
    Instant before = Instant.now().minusSeconds(1);

    logger(
        "first\nsecond\nthird\n",
        "--tcp",
        "--port",
        port(s),
        "--server",
        "127.0.0.1",
        "--rfc5424",
        "-t",
        "myapp",
        "-p",
        "local3.err",
        "--msgid",
        "M1",
        "--sd-id",
        "zoo@123",
        "--sd-param",
        "tiger=\"hungry\"",
        "--sd-param",
        "q=\"a\\\"b\"");

    List<RawRecord> records = awaitRecords(sink, 3);
    for (int i = 0; i < 3; i++) {
      RawRecord r = records.get(i);
      JsonNode e = json(r);
      assertThat(r.error()).isNull();
      assertThat(e.get("format").asText()).isEqualTo("rfc5424");
      assertThat(e.get("host").asText()).isEqualTo(hostname());
      assertThat(e.get("app").asText()).isEqualTo("myapp");
      assertThat(e.get("msgid").asText()).isEqualTo("M1");
      assertThat(e.has("procid")).isFalse();
      assertThat(e.get("severity").asText()).isEqualTo("err");
      assertThat(e.get("severity_code").asInt()).isEqualTo(3);
      assertThat(e.get("facility").asText()).isEqualTo("local3");
      assertThat(e.get("facility_code").asInt()).isEqualTo(19);
      assertThat(e.at("/structured_data/zoo@123/tiger").asText()).isEqualTo("hungry");
      assertThat(e.at("/structured_data/zoo@123/q").asText()).isEqualTo("a\"b");
      assertThat(e.at("/structured_data/timeQuality/tzKnown").asText()).isEqualTo("1");
      assertThat(Instant.parse(e.get("timestamp").asText())).isBetween(before, Instant.now());
      assertThat(new String(r.key(), UTF_8)).isEqualTo(hostname());
      assertThat(r.idGenerated()).isTrue();
      assertThat(r.origin()).matches("syslog tcp 127\\.0\\.0\\.1:\\d+ line " + (i + 1));
    }
    assertThat(records)
        .extracting(r -> json(r).get("message").asText())
        .containsExactly("first", "second", "third");
    await().untilAsserted(() -> assertThat(counters.accepted()).isEqualTo(3));
    assertThat(counters.received()).isEqualTo(3);
    assertThat(counters.rejected()).isZero();
    assertThat(sink.batches()).allSatisfy(b -> assertThat(b.source()).isEqualTo("logs"));
  }

  @Test
  void loggerTcpOctetCounting() throws Exception {
    RecordingSink sink = new RecordingSink(Mode.COMPLETE);
    SyslogSource s = start(sink, "app", 0, null, MAX);

    long pid =
        logger(
            "one\ntwo\n",
            "--tcp",
            "--octet-count",
            "--port",
            port(s),
            "--server",
            "127.0.0.1",
            "--rfc5424",
            "-i",
            "-t",
            "counted",
            "-p",
            "daemon.warning");

    List<RawRecord> records = awaitRecords(sink, 2);
    assertThat(records)
        .extracting(r -> json(r).get("message").asText())
        .containsExactly("one", "two");
    JsonNode e = json(records.get(0));
    assertThat(e.get("procid").asText()).isEqualTo(Long.toString(pid));
    assertThat(e.get("facility").asText()).isEqualTo("daemon");
    assertThat(e.get("severity").asText()).isEqualTo("warning");
    assertThat(new String(records.get(0).key(), UTF_8)).isEqualTo("counted");
  }

  @Test
  void loggerTcpRfc3164() throws Exception {
    RecordingSink sink = new RecordingSink(Mode.COMPLETE);
    SyslogSource s = start(sink, "host", 0, null, MAX);
    Instant before = Instant.now().minusSeconds(2);

    long pid =
        logger(
            null,
            "--tcp",
            "--port",
            port(s),
            "--server",
            "127.0.0.1",
            "--rfc3164",
            "-i",
            "-t",
            "old",
            "-p",
            "mail.notice",
            "hello from 3164");

    JsonNode e = json(awaitRecords(sink, 1).get(0));
    assertThat(e.get("format").asText()).isEqualTo("rfc3164");
    assertThat(e.get("host").asText()).isEqualTo(hostname().split("\\.")[0]);
    assertThat(e.get("app").asText()).isEqualTo("old");
    assertThat(e.get("procid").asText()).isEqualTo(Long.toString(pid));
    assertThat(e.get("facility").asText()).isEqualTo("mail");
    assertThat(e.get("severity").asText()).isEqualTo("notice");
    assertThat(e.get("message").asText()).isEqualTo("hello from 3164");
    assertThat(e.has("structured_data")).isFalse();
    assertThat(Instant.parse(e.get("timestamp").asText())).isBetween(before, Instant.now());
  }

  @Test
  void loggerTcpDefaultModeIsRfc5424() throws Exception {
    RecordingSink sink = new RecordingSink(Mode.COMPLETE);
    SyslogSource s = start(sink, "host", 0, null, MAX);

    logger(null, "--tcp", "--port", port(s), "--server", "127.0.0.1", "-t", "dflt", "plain");

    JsonNode e = json(awaitRecords(sink, 1).get(0));
    assertThat(e.get("format").asText()).isEqualTo("rfc5424");
    assertThat(e.get("app").asText()).isEqualTo("dflt");
    assertThat(e.get("message").asText()).isEqualTo("plain");
    assertThat(e.get("facility").asText()).isEqualTo("user");
    assertThat(e.get("severity").asText()).isEqualTo("notice");
  }

  @Test
  void loggerUdpRfc5424AndRfc3164() throws Exception {
    RecordingSink sink = new RecordingSink(Mode.COMPLETE);
    SyslogSource s = start(sink, "host", null, 0, MAX);
    String udpPort = Integer.toString(s.udpPort());

    logger(
        null,
        "--udp",
        "--port",
        udpPort,
        "--server",
        "127.0.0.1",
        "--rfc5424",
        "-t",
        "u5",
        "--sd-id",
        "meta@1",
        "--sd-param",
        "sequenceId=\"7\"",
        "over udp");
    awaitRecords(sink, 1);
    logger(
        null,
        "--udp",
        "--port",
        udpPort,
        "--server",
        "127.0.0.1",
        "--rfc3164",
        "-t",
        "u3",
        "-p",
        "local7.debug",
        "old udp");

    List<RawRecord> records = awaitRecords(sink, 2);
    JsonNode first = json(records.get(0));
    assertThat(first.get("format").asText()).isEqualTo("rfc5424");
    assertThat(first.get("app").asText()).isEqualTo("u5");
    assertThat(first.at("/structured_data/meta@1/sequenceId").asText()).isEqualTo("7");
    assertThat(first.get("message").asText()).isEqualTo("over udp");
    assertThat(records.get(0).origin()).matches("syslog udp 127\\.0\\.0\\.1:\\d+");
    JsonNode second = json(records.get(1));
    assertThat(second.get("format").asText()).isEqualTo("rfc3164");
    assertThat(second.get("app").asText()).isEqualTo("u3");
    assertThat(second.get("facility").asText()).isEqualTo("local7");
    assertThat(second.get("severity").asText()).isEqualTo("debug");
    assertThat(second.get("message").asText()).isEqualTo("old udp");
    await().untilAsserted(() -> assertThat(counters.accepted()).isEqualTo(2));
  }

  // ---- error zone, limits ----

  @Test
  void unparsableAndOversizedMessagesKeepTheirBytesAndSayWhy() throws Exception {
    RecordingSink sink = new RecordingSink(Mode.COMPLETE);
    SyslogSource s = start(sink, "host", 0, null, 480);
    String big = "<13>1 - h a - - - " + "x".repeat(1000);

    try (Socket c = new Socket("127.0.0.1", s.tcpPort())) {
      OutputStream out = c.getOutputStream();
      out.write(("garbage here\n" + big + "\n<13>1 - h a - - - fine\n").getBytes(UTF_8));
      out.write(new byte[] {'<', '1', '3', '>', 'x', (byte) 0xFF, '\n'});
    }

    List<RawRecord> records = awaitRecords(sink, 4);
    assertThat(records.get(0).error())
        .isEqualTo("syslog: missing PRI at byte 0: expected '<', got 'g'");
    assertThat(new String(records.get(0).value(), UTF_8)).isEqualTo("garbage here");
    assertThat(records.get(0).origin()).endsWith(" line 1");
    assertThat(records.get(1).error())
        .isEqualTo("message of " + big.length() + " bytes exceeds max_message_size 480");
    assertThat(new String(records.get(1).value(), UTF_8)).isEqualTo(big.substring(0, 480));
    assertThat(json(records.get(2)).get("message").asText()).isEqualTo("fine");
    assertThat(records.get(3).error())
        .isEqualTo("RFC 3164: bad CONTENT at byte 5: not UTF-8 (0xFF)");
    assertThat(records.get(3).value()).containsExactly('<', '1', '3', '>', 'x', (byte) 0xFF);
    await().untilAsserted(() -> assertThat(counters.undecodable()).isEqualTo(3));
    assertThat(counters.accepted()).isEqualTo(4);
  }

  @Test
  void udpDatagramsDropATrailingNewlineAndAreCutAtTheLimit() throws Exception {
    RecordingSink sink = new RecordingSink(Mode.COMPLETE);
    SyslogSource s = start(sink, "host", null, 0, 480);
    String big = "<13>1 - h a - - - " + "y".repeat(600);

    try (DatagramSocket c = new DatagramSocket()) {
      InetAddress to = InetAddress.getByName("127.0.0.1");
      for (String d : List.of("<13>1 - h a - - - with newline\r\n", big)) {
        byte[] b = d.getBytes(UTF_8);
        c.send(new DatagramPacket(b, b.length, to, s.udpPort()));
      }
    }

    List<RawRecord> records = awaitRecords(sink, 2);
    assertThat(json(records.get(0)).get("message").asText()).isEqualTo("with newline");
    assertThat(records.get(1).error())
        .isEqualTo("message of " + big.length() + " bytes exceeds max_message_size 480");
    assertThat(records.get(1).value()).hasSize(480);
  }

  // ---- back pressure and failures ----

  @Test
  void backPressureStopsReadingUntilKafkaAcknowledges() throws Exception {
    RecordingSink sink = new RecordingSink(Mode.HOLD);
    SyslogSource s = start(sink, "host", 0, null, MAX);
    int lines = 500_000; // ~33 MB: far more than socket buffers and the batches in flight hold
    AtomicLong written = new AtomicLong();
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              try (Socket c = new Socket("127.0.0.1", s.tcpPort())) {
                OutputStream out = c.getOutputStream();
                byte[] line =
                    "<13>1 2026-01-01T00:00:00Z host app - - - back pressure test line\n"
                        .getBytes(UTF_8);
                for (int i = 0; i < lines; i++) {
                  out.write(line);
                  written.incrementAndGet();
                }
              } catch (IOException e) {
                throw new RuntimeException(e);
              }
            });
    toClose.add(() -> writer.cancel(true));

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> sink.batches().size() == SyslogSource.MAX_BATCHES_IN_FLIGHT);
    // nothing acknowledged: reading stops (the count goes quiet), no fifth batch, sender held up
    AtomicLong lastSeen = new AtomicLong(-1);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(5))
        .until(() -> lastSeen.getAndSet(counters.received()) == counters.received());
    assertThat(sink.batches()).hasSize(SyslogSource.MAX_BATCHES_IN_FLIGHT);
    assertThat(writer).isNotDone();
    assertThat(written.get()).isLessThan(lines);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              sink.completeAll();
              assertThat(counters.accepted()).isEqualTo(lines);
            });
    assertThat(writer).succeedsWithin(Duration.ofSeconds(5));
    assertThat(sink.records()).hasSize(lines);
    assertThat(counters.rejected()).isZero();
  }

  @Test
  void failedBatchIsCountedRejectedAndTheConnectionClosed() throws Exception {
    RecordingSink sink = new RecordingSink(Mode.HOLD);
    SyslogSource s = start(sink, "host", 0, null, MAX);

    try (Socket c = new Socket("127.0.0.1", s.tcpPort())) {
      c.getOutputStream().write("<13>1 - h a - - - one\n<13>1 - h a - - - two\n".getBytes(UTF_8));
      await().until(() -> sink.records().size() == 2);

      sink.failAll();

      await().untilAsserted(() -> assertThat(counters.rejected()).isEqualTo(2));
      assertThat(counters.accepted()).isZero();
      assertThat(closedByPeer(c)).isTrue();
    }

    // the sender reconnects and resends; this time Kafka takes it
    sink.mode(Mode.COMPLETE);
    try (Socket c = new Socket("127.0.0.1", s.tcpPort())) {
      c.getOutputStream().write("<13>1 - h a - - - again\n".getBytes(UTF_8));
    }
    await().untilAsserted(() -> assertThat(counters.accepted()).isEqualTo(1));
  }

  @Test
  void failedUdpBatchesAreCountedRejected() throws Exception {
    RecordingSink sink = new RecordingSink(Mode.FAIL);
    SyslogSource s = start(sink, "host", null, 0, MAX);

    logger(null, "--udp", "--port", Integer.toString(s.udpPort()), "--server", "127.0.0.1", "lost");

    await().untilAsserted(() -> assertThat(counters.rejected()).isEqualTo(1));
    assertThat(counters.accepted()).isZero();
  }

  // ---- lifecycle ----

  @Test
  void endpointsNameTheBoundPorts() throws Exception {
    SyslogSource s = start(new RecordingSink(Mode.COMPLETE), "host", 0, 0, MAX);

    assertThat(s.tcpPort()).isPositive();
    assertThat(s.udpPort()).isPositive();
    assertThat(s.endpoints())
        .containsExactly(
            "syslog tcp 127.0.0.1:" + s.tcpPort(), "syslog udp 127.0.0.1:" + s.udpPort());
  }

  @Test
  void bindErrorNamesThePortAndTheSetting() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      SyslogSource s =
          SyslogSource.create(
              config(new SyslogSettings("127.0.0.1", taken.getLocalPort(), null, MAX), "host"),
              new RecordingSink(Mode.COMPLETE),
              new SourceCounters("logs"));

      assertThatThrownBy(s::start)
          .isInstanceOf(BindException.class)
          .hasMessageContaining("TCP 127.0.0.1:" + taken.getLocalPort())
          .hasMessageContaining("sources.logs.syslog.tcp_port");
      s.close();
    }
  }

  @Test
  void closeReadsWhatWasSentWaitsForKafkaAndIsIdempotent() throws Exception {
    RecordingSink sink = new RecordingSink(Mode.HOLD);
    SyslogSource s = start(sink, "host", 0, 0, MAX);
    Socket idle = new Socket("127.0.0.1", s.tcpPort());
    toClose.add(idle);
    idle.getOutputStream().write("<13>1 - h a - - - before close\n".getBytes(UTF_8));
    await().until(() -> sink.records().size() == 1);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(s::close);
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> !closing.isDone());
    sink.completeAll();

    assertThat(closing).succeedsWithin(Duration.ofSeconds(5));
    assertThat(counters.accepted()).isEqualTo(1);
    assertThat(closedByPeer(idle)).isTrue();
    s.close();
    try (ServerSocket again =
        new ServerSocket(s.tcpPort(), 1, InetAddress.getByName("127.0.0.1"))) {
      assertThat(again.getLocalPort()).isEqualTo(s.tcpPort());
    }
  }

  // ---- helpers ----

  private SyslogSource start(
      RecordingSink sink, String keyField, Integer tcpPort, Integer udpPort, int max)
      throws Exception {
    counters = new SourceCounters("logs");
    SyslogSource s =
        SyslogSource.create(
            config(new SyslogSettings("127.0.0.1", tcpPort, udpPort, max), keyField),
            sink,
            counters);
    toClose.add(s);
    s.start();
    return s;
  }

  static SourceConfig config(SyslogSettings settings, String keyField) {
    return new SourceConfig(
        "logs",
        "syslog",
        "logs.schema.json",
        "{}",
        keyField,
        new EventTimeConfig("timestamp", EventTimeConfig.TimeFormat.ISO8601),
        List.of(),
        List.of(),
        null,
        settings);
  }

  private static String port(SyslogSource s) {
    return Integer.toString(s.tcpPort());
  }

  /** Runs {@code logger} with {@code input} on stdin; returns its pid (what {@code -i} sends). */
  private static long logger(String input, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add("logger");
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (OutputStream stdin = p.getOutputStream()) {
      if (input != null) {
        stdin.write(input.getBytes(UTF_8));
      }
    }
    assertThat(p.waitFor(10, SECONDS)).as("logger finished").isTrue();
    String output = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertThat(p.exitValue()).as("logger exit code, output: %s", output).isZero();
    return p.pid();
  }

  private static String hostname() throws Exception {
    Process p = new ProcessBuilder("hostname").start();
    String name = new String(p.getInputStream().readAllBytes(), UTF_8).trim();
    p.waitFor(5, SECONDS);
    return name;
  }

  private static List<RawRecord> awaitRecords(RecordingSink sink, int n) {
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.records().size() >= n);
    List<RawRecord> records = sink.records();
    assertThat(records).hasSize(n);
    return records;
  }

  private static JsonNode json(RawRecord r) {
    try {
      return JSON.readTree(r.value());
    } catch (IOException e) {
      throw new AssertionError(new String(r.value(), UTF_8), e);
    }
  }

  /** Whether the server closed {@code c}: EOF or a reset, not a timeout. */
  private static boolean closedByPeer(Socket c) throws IOException {
    c.setSoTimeout(5000);
    InputStream in = c.getInputStream();
    try {
      return in.read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // connection reset
    }
  }
}
