package io.lakestream.source.logs.fluent;

import static io.lakestream.source.logs.fluent.Forward.event;
import static io.lakestream.source.logs.fluent.Forward.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lakestream.api.config.EventTimeConfig;
import io.lakestream.api.config.FluentSettings;
import io.lakestream.api.config.SourceConfig;
import io.lakestream.api.ingest.RawRecord;
import io.lakestream.api.ingest.SourceCounters;
import io.lakestream.source.logs.fluent.internal.ForwardConnection;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FluentSourceTest {

  private static final long T = 1_700_000_000L;
  private static final Duration QUIET = Duration.ofMillis(300);

  private final SourceCounters counters = new SourceCounters("logs");
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  @Test
  void acksOnlyAfterKafkaHoldsTheRecords() {
    FakeSink sink = FakeSink.holding();
    ForwardClient client = client(start(sink));

    client.send(Forward.forward("app", List.of(event(T, map("host", "a"))), map("chunk", "c1")));
    await().until(() -> sink.size() == 1);

    assertThat(client.receivesWithin(QUIET)).as("ack before Kafka finished").isFalse();
    sink.batch(0).future().complete(null);
    assertThat(client.readAck()).isEqualTo("c1");
    assertThat(sink.batch(0).source()).isEqualTo("logs");
    assertThat(sink.batch(0).records()).extracting(RawRecord::id).containsExactly("c1-0");
    assertThat(new String(sink.batch(0).records().get(0).key(), StandardCharsets.UTF_8))
        .isEqualTo("a");
  }

  @Test
  void acksFollowEntryOrderWhateverOrderKafkaFinishesIn() {
    FakeSink sink = FakeSink.holding();
    ForwardClient client = client(start(sink));

    for (String chunk : List.of("A", "B", "C")) {
      client.send(Forward.forward("t", thousandEvents(), map("chunk", chunk)));
    }
    await().until(() -> sink.size() == 3);
    sink.batch(2).future().complete(null);
    sink.batch(1).future().complete(null);

    assertThat(client.receivesWithin(QUIET)).as("B and C acked before A").isFalse();
    sink.batch(0).future().complete(null);
    assertThat(List.of(client.readAck(), client.readAck(), client.readAck()))
        .containsExactly("A", "B", "C");
  }

  @Test
  void whenKafkaFailsNothingIsAckedAndTheConnectionCloses() {
    FakeSink sink = FakeSink.holding();
    ForwardClient client = client(start(sink));

    client.send(
        Forward.forward(
            "t", List.of(event(T, map("a", 1)), event(T, map("a", 2))), map("chunk", "c1")));
    await().until(() -> sink.size() == 1);
    sink.batch(0).future().completeExceptionally(new IOException("broker down"));

    assertThat(client.closedByServer()).isTrue();
    await().until(() -> counters.rejected() == 2);
    assertThat(counters.accepted()).isZero();
  }

  @Test
  void aResentChunkGetsTheSameIds() {
    FakeSink sink = FakeSink.holding();
    FluentSource fluent = start(sink);
    byte[] entry =
        Forward.packedForward(
            "t", List.of(event(T, map("a", 1)), event(T, map("a", 2))), map("chunk", "X"));

    ForwardClient first = client(fluent).send(entry);
    await().until(() -> sink.size() == 1);
    sink.batch(0).future().completeExceptionally(new IOException("timeout"));
    assertThat(first.closedByServer()).isTrue();

    ForwardClient again = client(fluent).send(entry);
    await().until(() -> sink.size() == 2);
    sink.batch(1).future().complete(null);

    assertThat(again.readAck()).isEqualTo("X");
    assertThat(sink.batch(0).records()).extracting(RawRecord::id).containsExactly("X-0", "X-1");
    assertThat(sink.batch(1).records()).extracting(RawRecord::id).containsExactly("X-0", "X-1");
  }

  @Test
  void entriesBeforeAMalformedOneAreAckedThenTheConnectionCloses() {
    FakeSink sink = FakeSink.holding();
    ForwardClient client = client(start(sink));
    byte[] good = Forward.message("t", T, map("a", 1), map("chunk", "good"));
    byte[] malformed = {(byte) 0x92, (byte) 0xc1};

    client.send(Forward.concat(good, malformed));
    await().until(() -> sink.size() == 1);
    sink.completeAll();

    assertThat(client.readAck()).isEqualTo("good");
    assertThat(client.closedByServer()).isTrue();
    assertThat(sink.records()).hasSize(1);
  }

  @Test
  void anOversizedEntryClosesTheConnectionAndSendsNothing() {
    FakeSink sink = FakeSink.completing();
    ForwardClient client = client(start(sink, new FluentSettings("127.0.0.1", 0, 1024, 1_000_000)));

    client.send(Forward.message("t", T, map("big", "x".repeat(2000)), map("chunk", "c")));

    assertThat(client.closedByServer()).isTrue();
    assertThat(sink.size()).isZero();
  }

  @Test
  void aSlowKafkaStopsTheReader() {
    FakeSink sink = FakeSink.holding();
    ForwardClient client = client(start(sink));
    int entries = ForwardConnection.MAX_IN_FLIGHT_BATCHES + 10;

    // From another thread: once the server stops reading, the socket buffers fill and the
    // writer blocks, which is the point.
    CompletableFuture<Void> sending =
        CompletableFuture.runAsync(
            () -> {
              for (int i = 0; i < entries; i++) {
                client.send(Forward.forward("t", thousandEvents(), map("chunk", "c" + i)));
              }
            });
    await().until(() -> sink.size() == ForwardConnection.MAX_IN_FLIGHT_BATCHES);
    await()
        .during(QUIET)
        .atMost(Duration.ofSeconds(5))
        .until(() -> sink.size() == ForwardConnection.MAX_IN_FLIGHT_BATCHES);

    sink.completeFromNowOn();
    List<String> acks = new ArrayList<>();
    for (int i = 0; i < entries; i++) {
      acks.add(client.readAck());
    }
    assertThat(acks)
        .containsExactlyElementsOf(IntStream.range(0, entries).mapToObj(i -> "c" + i).toList());
    assertThat(sending).succeedsWithin(Duration.ofSeconds(10));
  }

  @Test
  void entriesWithoutChunkAreDeliveredAndNothingIsWrittenBack() {
    FakeSink sink = FakeSink.completing();
    ForwardClient client = client(start(sink));

    client.send(Forward.message("t", T, map("a", 1), null), Forward.message("t", T, map(), null));

    await().until(() -> sink.records().size() == 2);
    assertThat(client.receivesWithin(QUIET)).isFalse();
    assertThat(sink.records()).allSatisfy(r -> assertThat(r.idGenerated()).isTrue());
  }

  @Test
  void countersFollowTheRecords() {
    FakeSink sink = FakeSink.completing();
    ForwardClient client = client(start(sink));
    byte[] entry =
        Forward.forward(
            "t", List.of(event(T, map("a", 1)), event(T, "not a map")), map("chunk", "c"));

    client.send(entry);

    assertThat(client.readAck()).isEqualTo("c");
    await().until(() -> counters.accepted() == 2);
    assertThat(counters.received()).isEqualTo(2);
    assertThat(counters.undecodable()).isEqualTo(1);
    assertThat(counters.bytes()).isEqualTo(entry.length);
    assertThat(sink.records().get(1).error()).isEqualTo("record is a string, not a map");
  }

  @Test
  void closeWaitsForTheAcksStillDue() {
    FakeSink sink = FakeSink.holding();
    FluentSource fluent = start(sink);
    ForwardClient client = client(fluent);
    client.send(Forward.message("t", T, map("a", 1), map("chunk", "last")));
    await().until(() -> sink.size() == 1);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(fluent::close);
    await().during(QUIET).atMost(Duration.ofSeconds(5)).until(() -> !closing.isDone());
    sink.completeAll();

    assertThat(closing).succeedsWithin(Duration.ofSeconds(5));
    assertThat(client.readAck()).isEqualTo("last");
    assertThat(client.closedByServer()).isTrue();
    fluent.close(); // idempotent
    assertThatThrownBy(() -> new ForwardClient(fluent.port()).send(new byte[] {(byte) 0xc0}))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void aPortInUseNamesThePortAndTheSetting() throws IOException {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = taken.getLocalPort();
      FluentSource fluent =
          FluentSource.create(
              config(new FluentSettings("127.0.0.1", port, 1 << 20, 1000)),
              FakeSink.completing(),
              counters);
      toClose.add(fluent);

      assertThatThrownBy(fluent::start)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("127.0.0.1:" + port)
          .hasMessageContaining("sources.logs.fluent.port");
    }
  }

  @Test
  void endpointsShowTheBoundPort() {
    FluentSource fluent = start(FakeSink.completing());

    assertThat(fluent.port()).isPositive();
    assertThat(fluent.endpoints())
        .startsWith("fluent tcp 127.0.0.1:" + fluent.port())
        .allSatisfy(e -> assertThat(e).contains(":" + fluent.port()));
  }

  @Test
  void udpHeartbeatsAreAnswered() throws IOException {
    FluentSource fluent = start(FakeSink.completing());
    assertThat(fluent.endpoints())
        .contains("fluent udp 127.0.0.1:" + fluent.port() + " (heartbeat)");

    try (DatagramSocket udp = new DatagramSocket()) {
      udp.setSoTimeout(5000);
      udp.send(
          new DatagramPacket(new byte[] {0}, 1, new InetSocketAddress("127.0.0.1", fluent.port())));
      DatagramPacket answer = new DatagramPacket(new byte[8], 8);
      udp.receive(answer);

      assertThat(answer.getLength()).isEqualTo(1);
      assertThat(answer.getData()[0]).isZero();
    }
  }

  @Test
  void onlyFluentSourcesAreAccepted() {
    SourceConfig http =
        new SourceConfig(
            "web",
            "http",
            "s.json",
            "{}",
            "id",
            new EventTimeConfig("time", EventTimeConfig.TimeFormat.ISO8601));

    assertThatThrownBy(() -> FluentSource.create(http, FakeSink.completing(), counters))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not fluent");
  }

  private static List<Object> thousandEvents() {
    return IntStream.range(0, 1000).mapToObj(i -> (Object) event(T, map("i", i))).toList();
  }

  static SourceConfig config(FluentSettings settings) {
    return new SourceConfig(
        "logs",
        "fluent",
        "schemas/logs.json",
        "{\"type\":\"object\"}",
        "host",
        new EventTimeConfig("time", EventTimeConfig.TimeFormat.ISO8601),
        List.of(),
        List.of(),
        null,
        settings);
  }

  private FluentSource start(FakeSink sink) {
    return start(sink, new FluentSettings("127.0.0.1", 0, 16L << 20, 1_000_000));
  }

  private FluentSource start(FakeSink sink, FluentSettings settings) {
    FluentSource fluent = FluentSource.create(config(settings), sink, counters);
    toClose.add(fluent);
    try {
      fluent.start();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return fluent;
  }

  private ForwardClient client(FluentSource fluent) {
    ForwardClient c = new ForwardClient(fluent.port());
    toClose.add(0, c);
    return c;
  }
}
