package io.lakestream.source.logs.fluent.internal;

import static io.lakestream.source.logs.fluent.Forward.event;
import static io.lakestream.source.logs.fluent.Forward.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.api.ingest.EventFields;
import io.lakestream.api.ingest.RawRecord;
import io.lakestream.source.logs.fluent.Forward;
import io.lakestream.source.logs.fluent.Forward.EventTime;
import io.lakestream.source.logs.fluent.Forward.Ext;
import io.lakestream.source.logs.fluent.Forward.Raw;
import io.lakestream.source.logs.fluent.internal.ForwardEntry.Mode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ForwardDecoderTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ForwardLimits LIMITS = new ForwardLimits(1 << 20, 10_000, 4 << 20, 32);
  private static final long T = 1_700_000_000L;
  private static final String T_ISO = "2023-11-14T22:13:20Z";
  private static final String PEER = "127.0.0.1:40312";

  // --- the four modes -------------------------------------------------------------------------

  @Test
  void messageModeWithIntegerTime() throws ForwardDecodeException {
    List<ForwardEntry> entries =
        decodeChecked(
            LIMITS,
            "host",
            Forward.message("app.web", T, map("message", "hello", "host", "web-1"), null));

    assertThat(entries).hasSize(1);
    ForwardEntry e = entries.get(0);
    assertThat(e.mode()).isEqualTo(Mode.MESSAGE);
    assertThat(e.tag()).isEqualTo("app.web");
    assertThat(e.chunk()).isNull();
    assertThat(e.records()).hasSize(1);
    RawRecord r = e.records().get(0);
    assertThat(r.error()).isNull();
    assertThat(r.idGenerated()).isTrue();
    assertThat(json(r))
        .isEqualTo(
            tree(
                "{\"message\":\"hello\",\"host\":\"web-1\",\"tag\":\"app.web\",\"time\":\""
                    + T_ISO
                    + "\"}"));
    assertThat(r.key()).isEqualTo("web-1".getBytes(StandardCharsets.UTF_8));
    assertThat(r.origin()).isEqualTo("fluent 127.0.0.1:40312 tag app.web entry 1 record 0");
  }

  @Test
  void eventTimeKeepsNanoseconds() {
    List<RawRecord> rs =
        records(
            Forward.forward(
                "t",
                List.of(
                    event(new EventTime(T, 123_456_789), map("n", 1)),
                    event(new EventTime(T, 5_000_000), map("n", 2)),
                    event(new EventTime(T, 7_000), map("n", 3)),
                    event(new EventTime(T, 0), map("n", 4))),
                null));

    assertThat(rs)
        .extracting(r -> json(r).get("time").asText())
        .containsExactly(
            "2023-11-14T22:13:20.123456789Z",
            "2023-11-14T22:13:20.005Z",
            "2023-11-14T22:13:20.000007Z",
            T_ISO);
  }

  @Test
  void otherTimeFormatsAreAccepted() {
    List<RawRecord> rs =
        records(
            Forward.forward(
                "t",
                List.of(
                    event(1_700_000_000.25, map("n", "float")),
                    event(BigInteger.valueOf(T), map("n", "uint")),
                    event(List.of(new EventTime(T, 1), map("fluent_bit", "metadata")), map()),
                    event(new Raw(msgpackTimestamp(T, 9)), map("n", "timestamp ext"))),
                null));

    assertThat(rs).allSatisfy(r -> assertThat(r.error()).isNull());
    assertThat(rs)
        .extracting(r -> json(r).get("time").asText())
        .containsExactly(
            "2023-11-14T22:13:20.250Z",
            T_ISO,
            "2023-11-14T22:13:20.000000001Z",
            "2023-11-14T22:13:20.000000009Z");
  }

  @Test
  void forwardMode() {
    ForwardEntry e =
        single(
            Forward.forward(
                "app.db",
                List.of(event(T, map("q", "select 1")), event(T + 1, map("q", "select 2"))),
                map("chunk", "c1", "size", 2)));

    assertThat(e.mode()).isEqualTo(Mode.FORWARD);
    assertThat(e.chunk()).isEqualTo("c1");
    assertThat(e.records())
        .extracting(r -> json(r).get("q").asText())
        .containsExactly("select 1", "select 2");
    assertThat(e.records())
        .extracting(r -> json(r).get("time").asText())
        .containsExactly(T_ISO, "2023-11-14T22:13:21Z");
  }

  @Test
  void packedForwardAsBinAndAsStr() {
    List<Object> events = List.of(event(T, map("a", 1)), event(T, map("a", 2)));

    ForwardEntry bin = single(Forward.packedForward("p", events, null));
    ForwardEntry str = single(Forward.packedForwardStr("p", events, map("size", 2)));

    assertThat(bin.mode()).isEqualTo(Mode.PACKED_FORWARD);
    assertThat(str.mode()).isEqualTo(Mode.PACKED_FORWARD);
    assertThat(bin.records()).extracting(r -> json(r).get("a").asInt()).containsExactly(1, 2);
    assertThat(str.records()).extracting(r -> json(r).get("a").asInt()).containsExactly(1, 2);
  }

  @Test
  void compressedPackedForwardWithSeveralGzipMembers() {
    List<Object> events =
        IntStream.range(0, 10).mapToObj(i -> (Object) event(T, map("i", i))).toList();

    ForwardEntry e =
        single(Forward.compressedPackedForward("z", events, map("chunk", "gz", "size", 10), 3));

    assertThat(e.mode()).isEqualTo(Mode.COMPRESSED_PACKED_FORWARD);
    assertThat(e.records())
        .extracting(r -> json(r).get("i").asInt())
        .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertThat(e.records()).extracting(RawRecord::id).startsWith("gz-0", "gz-1").endsWith("gz-9");
  }

  static Stream<Arguments> everyMode() {
    List<Object> events =
        List.of(
            event(new EventTime(T, 42), map("msg", "é ü 日本", "nested", map("a", List.of(1, 2)))),
            event(T, map("msg", "x".repeat(300))),
            event(T, "not a map"));
    return Stream.of(
        Arguments.of("message", Forward.message("m", T, map("k", "v"), map("chunk", "m1"))),
        Arguments.of("forward", Forward.forward("f", events, map("chunk", "f1"))),
        Arguments.of("packed", Forward.packedForward("p", events, map("chunk", "p1"))),
        Arguments.of("packed str", Forward.packedForwardStr("s", events, null)),
        Arguments.of(
            "compressed", Forward.compressedPackedForward("c", events, map("chunk", "c1"), 2)),
        Arguments.of(
            "several entries and heartbeats",
            Forward.concat(
                Forward.pack(null),
                Forward.message("m", T, map("k", "v"), null),
                Forward.pack(null),
                Forward.forward("f", events, map("chunk", "f2")))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyMode")
  void aStreamSplitAnywhereDecodesTheSame(String name, byte[] bytes) {
    List<ForwardEntry> whole = decode(bytes);
    List<ForwardEntry> byteByByte = decodeInPieces(bytes, 1);
    List<ForwardEntry> in7s = decodeInPieces(bytes, 7);

    assertThat(whole).isNotEmpty();
    assertThat(summary(byteByByte)).isEqualTo(summary(whole));
    assertThat(summary(in7s)).isEqualTo(summary(whole));
  }

  // --- ids, keys, fields ----------------------------------------------------------------------

  @Test
  void chunkGivesTheSameIdsEveryTimeTheChunkIsSent() {
    byte[] entry =
        Forward.packedForward(
            "t", List.of(event(T, map("a", 1)), event(T, map("a", 2))), map("chunk", "Q2h1bms="));

    List<RawRecord> first = records(entry);
    List<RawRecord> resent = records(entry);

    assertThat(first).extracting(RawRecord::id).containsExactly("Q2h1bms=-0", "Q2h1bms=-1");
    assertThat(resent).extracting(RawRecord::id).containsExactly("Q2h1bms=-0", "Q2h1bms=-1");
    assertThat(first).allSatisfy(r -> assertThat(r.idGenerated()).isFalse());
    assertThat(first.get(1).origin())
        .isEqualTo("fluent 127.0.0.1:40312 tag t chunk Q2h1bms= record 1");
  }

  @Test
  void aRecordsOwnIdWins() {
    List<RawRecord> rs =
        records(
            Forward.forward(
                "t",
                List.of(
                    event(T, map("id", "evt-7")),
                    event(T, map("id", 42)),
                    event(T, map("id", List.of(1))),
                    event(T, map("x", 1))),
                map("chunk", "c")));

    assertThat(rs).extracting(RawRecord::id).containsExactly("evt-7", "42", "c-2", "c-3");
    assertThat(rs).allSatisfy(r -> assertThat(r.idGenerated()).isFalse());
  }

  @Test
  void withoutChunkOrIdTheIdIsGenerated() {
    List<RawRecord> rs =
        records(Forward.forward("t", List.of(event(T, map()), event(T, map())), null));

    assertThat(rs).allSatisfy(r -> assertThat(r.idGenerated()).isTrue());
    assertThat(rs.get(0).id()).isNotEqualTo(rs.get(1).id());
  }

  @Test
  void theKeyIsTheKeyFieldAsText() {
    List<RawRecord> rs =
        records(
            "host",
            Forward.forward(
                "t",
                List.of(
                    event(T, map("host", "web-1")),
                    event(T, map("host", 17)),
                    event(T, map("host", 1.5)),
                    event(T, map("host", true)),
                    event(T, map("host", null)),
                    event(T, map("host", map("nested", 1))),
                    event(T, map("other", 1))),
                null));

    assertThat(rs)
        .extracting(r -> r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8))
        .containsExactly("web-1", "17", "1.5", "true", null, null, null);
    // Same answer as the parser every other source uses.
    assertThat(rs)
        .allSatisfy(
            r -> {
              EventFields.Fields f = EventFields.read(r.value(), 0, r.value().length, "host");
              assertThat(f.error()).isNull();
              assertThat(f.key()).isEqualTo(r.key());
            });
  }

  @Test
  void theKeyCanBeTheAddedTag() {
    RawRecord r = records("tag", Forward.message("app.web", T, map("a", 1), null)).get(0);

    assertThat(r.key()).isEqualTo("app.web".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theRecordsOwnTagAndTimeAreNeverOverridden() {
    RawRecord r =
        records(Forward.message("app.web", T, map("tag", "mine", "time", "yesterday"), null))
            .get(0);

    assertThat(json(r)).isEqualTo(tree("{\"tag\":\"mine\",\"time\":\"yesterday\"}"));
  }

  @Test
  void msgpackValuesBecomeReadableJson() {
    byte[] notUtf8 = {(byte) 0xff, 0x00, 0x41};
    byte[] badStr = {(byte) 0xa2, (byte) 0xc3, 0x28}; // fixstr of 2 bytes, invalid UTF-8
    Map<Object, Object> record =
        map(
            "s",
            "text \"quoted\"\n",
            "i",
            -5,
            "big",
            new BigInteger("18446744073709551615"),
            "f32",
            0.5f,
            "f64",
            2.25,
            "nan",
            Double.NaN,
            "t",
            true,
            "nil",
            null,
            "bin_text",
            "plain".getBytes(StandardCharsets.UTF_8),
            "bin_raw",
            notUtf8,
            "bad_str",
            new Raw(badStr),
            "ext",
            new Ext((byte) 5, new byte[] {1, 2, 3}),
            "when",
            new EventTime(T, 1_000_000),
            "nested",
            map("list", List.of(1, "two", map("three", List.of()))),
            7,
            "int key",
            false,
            "bool key");

    JsonNode j = json(records(Forward.message("t", T, record, null)).get(0));

    assertThat(j.get("s").asText()).isEqualTo("text \"quoted\"\n");
    assertThat(j.get("i").asLong()).isEqualTo(-5);
    assertThat(j.get("big").bigIntegerValue()).isEqualTo(new BigInteger("18446744073709551615"));
    assertThat(j.get("f32").asDouble()).isEqualTo(0.5);
    assertThat(j.get("f64").asDouble()).isEqualTo(2.25);
    assertThat(j.get("nan").asText()).isEqualTo("NaN");
    assertThat(j.get("t").asBoolean()).isTrue();
    assertThat(j.get("nil").isNull()).isTrue();
    assertThat(j.get("bin_text").asText()).isEqualTo("plain");
    assertThat(j.get("bin_raw").asText()).isEqualTo("/wBB");
    assertThat(j.get("bad_str").asText()).isEqualTo("\uFFFD(");
    assertThat(j.get("ext")).isEqualTo(tree("{\"ext_type\":5,\"base64\":\"AQID\"}"));
    assertThat(j.get("when").asText()).isEqualTo("2023-11-14T22:13:20.001Z");
    assertThat(j.get("nested")).isEqualTo(tree("{\"list\":[1,\"two\",{\"three\":[]}]}"));
    assertThat(j.get("7").asText()).isEqualTo("int key");
    assertThat(j.get("false").asText()).isEqualTo("bool key");
  }

  // --- records that go to the error zone ------------------------------------------------------

  @Test
  void aRecordThatIsNotAMapIsKeptWithItsBytesAndReason() {
    Object bad = event(T, "just a string");
    List<RawRecord> rs =
        records(Forward.forward("t", List.of(event(T, map("ok", 1)), bad), map("chunk", "c")));

    assertThat(rs.get(0).error()).isNull();
    RawRecord r = rs.get(1);
    assertThat(r.error()).isEqualTo("record is a string, not a map");
    assertThat(r.value()).isEqualTo(Forward.pack(bad));
    assertThat(r.id()).isEqualTo("c-1");
    assertThat(r.key()).isNull();
    assertThat(r.origin()).isEqualTo("fluent 127.0.0.1:40312 tag t chunk c record 1");
    assertThat(single(Forward.forward("t", List.of(bad), null)).undecodable()).isEqualTo(1);
  }

  @Test
  void inMessageModeTheWholeEntryIsKept() {
    byte[] entry = Forward.message("t", T, List.of(1, 2), null);

    RawRecord r = records(entry).get(0);

    assertThat(r.error()).isEqualTo("record is an array, not a map");
    assertThat(r.value()).isEqualTo(entry);
    assertThat(r.idGenerated()).isTrue();
  }

  @Test
  void unusableEventsAreKeptWithTheirReason() {
    List<RawRecord> rs =
        records(
            Forward.forward(
                "t",
                List.of(
                    event("yesterday", map()),
                    event(new EventTime(T, 1_500_000_000), map()),
                    event(new Ext((byte) 9, new byte[8]), map()),
                    event(Long.MAX_VALUE, map()),
                    List.of(T, map(), "extra"),
                    "not an event",
                    event(T, map(List.of(1), "array key")),
                    event(T, nested(33)),
                    event(Double.NaN, map())),
                null));

    assertThat(rs)
        .extracting(RawRecord::error)
        .containsExactly(
            "time is a string, expected an integer or EventTime",
            "EventTime has 1500000000 nanoseconds",
            "time is an ext value of type 9 and length 8, expected EventTime (type 0, length 8)",
            "time 9223372036854775807 is out of range",
            "an event is an array of 3 elements, expected [time, record]",
            "an event is a string, expected [time, record]",
            "a map key is an array: JSON keys must be text",
            "maps and arrays nested deeper than 32 levels",
            "time NaN is out of range");
    assertThat(rs).allSatisfy(r -> assertThat(r.idGenerated()).isTrue());
  }

  @Test
  void thirtyTwoLevelsOfNestingAreFine() {
    RawRecord r = records(Forward.forward("t", List.of(event(T, nested(32))), null)).get(0);

    assertThat(r.error()).isNull();
  }

  // --- heartbeats, handshakes, options --------------------------------------------------------

  @Test
  void nilIsAHeartbeatAndSkipped() {
    assertThat(decode(Forward.concat(Forward.pack(null), Forward.pack(null)))).isEmpty();
  }

  @Test
  void thePingOfTheSharedKeyHandshakeIsRefusedWithAClearReason() {
    byte[] ping = Forward.pack(List.of("PING", "client.example", "salt", "digest", "", ""));

    assertThatThrownBy(() -> decode(ping))
        .hasCauseInstanceOf(ForwardDecodeException.class)
        .hasMessageContaining("handshake")
        .hasMessageContaining("shared_key handshake is not implemented");
  }

  @Test
  void aValueThatIsNotAnArrayIsRefused() {
    assertThatThrownBy(() -> decode(Forward.pack("hello")))
        .hasMessageContaining("expected a msgpack array (a forward-protocol entry), got a string");
    assertThatThrownBy(() -> decode("{\"tag\":1}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("the JSON form of the forward protocol is not supported");
  }

  @Test
  void malformedEntryLayoutsAreRefused() {
    assertThat(failure(Forward.pack(List.of("t")))).contains("2 to 4 elements, this one has 1");
    assertThat(failure(Forward.pack(List.of(1, T, map())))).contains("the tag is an integer");
    assertThat(failure(Forward.pack(List.of("t", T)))).contains("a Message entry is");
    assertThat(failure(Forward.pack(List.of("t", map(), map()))))
        .contains("the second element is a map");
    assertThat(failure(Forward.pack(List.of("t", T, map(), map(), 5))))
        .contains("2 to 4 elements, this one has 5");
    assertThat(failure(bad0xc1())).contains("0xc1");
  }

  @Test
  void optionsAreChecked() {
    List<Object> one = List.of(event(T, map()));
    assertThat(failure(Forward.pack(List.of("t", one, "option"))))
        .contains("the option is a string");
    assertThat(failure(Forward.forward("t", one, map("chunk", 5))))
        .contains("option chunk is an integer");
    assertThat(failure(Forward.forward("t", one, map("chunk", "")))).contains("chunk has 0");
    assertThat(failure(Forward.forward("t", one, map("chunk", "x".repeat(257)))))
        .contains("chunk has 257");
    assertThat(failure(Forward.forward("t", one, map("size", "one"))))
        .contains("option size is a string");
    assertThat(failure(Forward.forward("t", one, map("size", -1)))).contains("negative");
  }

  @Test
  void optionsTheDecoderDoesNotNeedAreIgnored() {
    List<Object> one = List.of(event(T, map("a", 1)));
    Map<Object, Object> option = map("fluent_signal", 0, 7, "int key", "compressed", "text");

    assertThat(single(Forward.forward("t", one, option)).records()).hasSize(1);
    assertThat(single(Forward.packedForward("t", one, option)).mode())
        .isEqualTo(Mode.PACKED_FORWARD);
    assertThat(single(Forward.packedEntry("t", Forward.stream(one), null)).records()).hasSize(1);
    assertThat(single(Forward.pack(Arrays.asList("t", one, null))).records()).hasSize(1);
  }

  @Test
  void aSizeThatDisagreesWithTheRecordsIsOnlyLogged() {
    ForwardEntry e =
        single(
            Forward.packedForward(
                "t", List.of(event(T, map()), event(T, map())), map("size", 5, "chunk", "c")));

    assertThat(e.records()).hasSize(2);
  }

  // --- bounds ---------------------------------------------------------------------------------

  @Test
  void anEntryClaimingMoreThanTheLimitFailsBeforeTheBytesArrive() {
    ForwardLimits small = new ForwardLimits(1024, 100, 4096, 32);
    // ["t", bin32 of 2 GB ... : only the headers are sent.
    byte[] start = {(byte) 0x92, (byte) 0xa1, 't', (byte) 0xc6, 0x7f, (byte) 0xff, (byte) 0xff, 0};
    ForwardDecoder d = new ForwardDecoder(small, "k", PEER);
    d.feed(start, 0, start.length);

    assertThatThrownBy(d::next)
        .isInstanceOfSatisfying(
            ForwardDecodeException.class,
            e -> {
              assertThat(e.stage()).isEqualTo("frame");
              assertThat(e.offset()).isEqualTo(3);
              assertThat(e.reason()).contains("claims 2147483392 bytes, more than the 1024-byte");
            });
    assertThatThrownBy(d::next).isInstanceOf(ForwardDecodeException.class); // stays failed
  }

  @Test
  void anEntryGrowingPastTheLimitFails() {
    ForwardLimits small = new ForwardLimits(1024, 10_000, 4096, 32);
    List<Object> events = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      events.add(event(T, map("i", i)));
    }

    assertThat(failure(small, Forward.forward("t", events, null)))
        .contains("the value is longer than the 1024-byte limit");
  }

  @Test
  void mapsAndArraysClaimingHugeCountsFailAtOnce() {
    byte[] hugeMap = {(byte) 0x93, (byte) 0xa1, 't', 0x01, (byte) 0xdf, 0x7f, (byte) 0xff, 0, 0};
    byte[] hugeArray = {(byte) 0x92, (byte) 0xa1, 't', (byte) 0xdd, (byte) 0xff, (byte) 0xff, 0, 0};

    assertThat(failure(hugeMap)).contains("a map claims 2147418112 pairs");
    assertThat(failure(hugeArray)).contains("an array claims 4294901760 elements");
  }

  @Test
  void moreRecordsThanAllowedAreRefused() {
    ForwardLimits small = new ForwardLimits(1 << 20, 3, 4 << 20, 32);
    List<Object> four = List.of(event(T, map()), event(T, map()), event(T, map()), event(T, map()));

    assertThat(failure(small, Forward.forward("t", four, null))).contains("holds 4 records");
    assertThat(failure(small, Forward.packedForward("t", four, null)))
        .contains("more than max_records (3)");
    assertThat(failure(small, Forward.compressedPackedForward("t", four, null, 1)))
        .contains("more than max_records (3)");
    assertThat(failure(small, Forward.compressedPackedForward("t", four, map("size", 4), 1)))
        .contains("option size says 4 records");
    assertThat(decode(small, Forward.forward("t", four.subList(0, 3), null))).hasSize(1);
  }

  @Test
  void nestingBeyondWhatTheFramerAllowsFailsTheEntry() {
    assertThat(failure(Forward.forward("t", List.of(event(T, nested(40))), null)))
        .contains("nested deeper than 40 levels");
  }

  @Test
  void aGzipBombIsStoppedAtItsCap() {
    ForwardLimits small = new ForwardLimits(64 * 1024, 100, 256 * 1024, 32);
    byte[] zeros = new byte[10 * 1024 * 1024];
    byte[] bomb = Forward.gzip(Forward.concat(Forward.pack(event(T, map("z", zeros)))));
    assertThat(bomb.length).isLessThan(64 * 1024);

    assertThat(failure(small, Forward.packedEntry("t", bomb, map("compressed", "gzip"))))
        .contains("inflates to more than 262144 bytes");
  }

  @Test
  void brokenGzipIsRefused() {
    byte[] good = Forward.gzip(Forward.stream(List.of(event(T, map("a", 1)))));
    byte[] truncated = Arrays.copyOf(good, good.length - 12);
    byte[] badCrc = good.clone();
    badCrc[badCrc.length - 8] ^= 1;
    byte[] trailing = Forward.concat(good, new byte[] {1, 2, 3});
    Map<Object, Object> gz = map("compressed", "gzip");

    assertThat(failure(Forward.packedEntry("t", truncated, gz))).contains("truncated");
    assertThat(failure(Forward.packedEntry("t", badCrc, gz))).contains("CRC-32");
    assertThat(failure(Forward.packedEntry("t", trailing, gz)))
        .contains("are not another gzip member");
    assertThat(failure(Forward.packedEntry("t", Forward.stream(List.of(1)), gz)))
        .contains("not gzip");
    assertThat(single(Forward.packedEntry("t", Forward.concat(good, good), gz)).records())
        .hasSize(2);
  }

  @Test
  void aTruncatedPackedStreamIsRefused() {
    byte[] stream = Forward.stream(List.of(event(T, map("a", "bcdef"))));

    assertThat(failure(Forward.packedEntry("t", Arrays.copyOf(stream, stream.length - 2), null)))
        .contains("end in the middle of record 0");
  }

  @Test
  void entriesBeforeAMalformedOneAreStillReturned() {
    byte[] good = Forward.message("t", T, map("a", 1), map("chunk", "c1"));
    ForwardDecoder d = new ForwardDecoder(LIMITS, "k", PEER);
    byte[] stream = Forward.concat(good, good, bad0xc1());
    d.feed(stream, 0, stream.length);

    List<ForwardEntry> got = new ArrayList<>();
    assertThatThrownBy(
            () -> {
              for (ForwardEntry e; (e = d.next()) != null; ) {
                got.add(e);
              }
            })
        .isInstanceOfSatisfying(
            ForwardDecodeException.class,
            e -> assertThat(e.offset()).isEqualTo(2L * good.length + 1));
    assertThat(got).hasSize(2);
  }

  @Test
  void theBufferHoldsAtMostOneIncompleteEntry() throws IOException {
    ForwardLimits limits = new ForwardLimits(256 * 1024, 100_000, 1 << 20, 32);
    List<Object> events = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      events.add(event(T, map("line", "x".repeat(100))));
    }
    byte[] entry = Forward.packedForward("t", events, null);
    byte[] stream = Forward.concat(entry, entry, entry, entry, entry);
    ForwardDecoder d = new ForwardDecoder(limits, "k", PEER);
    java.io.InputStream in = new java.io.ByteArrayInputStream(stream);

    int entries = 0;
    int maxBuffered = 0;
    while (d.readFrom(in) >= 0) {
      for (ForwardEntry e; (e = nextUnchecked(d)) != null; ) {
        entries++;
      }
      maxBuffered = Math.max(maxBuffered, d.buffered());
    }

    assertThat(entries).isEqualTo(5);
    assertThat(maxBuffered).isLessThan(entry.length);
    assertThat(d.offset()).isEqualTo(stream.length);
  }

  // --- helpers --------------------------------------------------------------------------------

  private static ForwardEntry nextUnchecked(ForwardDecoder d) {
    try {
      return d.next();
    } catch (ForwardDecodeException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] bad0xc1() {
    return new byte[] {(byte) 0x92, (byte) 0xc1};
  }

  /** A record nested {@code depth} maps deep, the record itself included. */
  private static Object nested(int depth) {
    Object v = "leaf";
    for (int i = 1; i < depth; i++) {
      v = map("n", v);
    }
    return map("root", v);
  }

  private static byte[] msgpackTimestamp(long seconds, int nanos) {
    try (org.msgpack.core.MessageBufferPacker p =
        org.msgpack.core.MessagePack.newDefaultBufferPacker()) {
      p.packTimestamp(seconds, nanos);
      return p.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> summary(List<ForwardEntry> entries) {
    List<String> out = new ArrayList<>();
    for (ForwardEntry e : entries) {
      out.add(e.mode() + " " + e.tag() + " " + e.chunk() + " " + e.bytes() + " " + e.offset());
      for (RawRecord r : e.records()) {
        out.add(
            (r.idGenerated() ? "generated" : r.id())
                + " "
                + r.error()
                + " "
                + new String(r.value(), StandardCharsets.ISO_8859_1));
      }
    }
    return out;
  }

  private static String failure(byte[] bytes) {
    return failure(LIMITS, bytes);
  }

  private static String failure(ForwardLimits limits, byte[] bytes) {
    try {
      decodeChecked(limits, "k", bytes);
    } catch (ForwardDecodeException e) {
      return e.getMessage();
    }
    throw new AssertionError("decoded without an error");
  }

  private static ForwardEntry single(byte[] bytes) {
    List<ForwardEntry> entries = decode(bytes);
    assertThat(entries).hasSize(1);
    return entries.get(0);
  }

  private static List<RawRecord> records(byte[] bytes) {
    return records("k", bytes);
  }

  private static List<RawRecord> records(String keyField, byte[] bytes) {
    try {
      return decodeChecked(LIMITS, keyField, bytes).stream()
          .flatMap(e -> e.records().stream())
          .toList();
    } catch (ForwardDecodeException e) {
      throw new AssertionError(e);
    }
  }

  private static List<ForwardEntry> decode(byte[] bytes) {
    return decode(LIMITS, bytes);
  }

  private static List<ForwardEntry> decode(ForwardLimits limits, byte[] bytes) {
    try {
      return decodeChecked(limits, "k", bytes);
    } catch (ForwardDecodeException e) {
      throw new DecodeFailed(e);
    }
  }

  private static List<ForwardEntry> decodeChecked(ForwardLimits limits, String key, byte[] bytes)
      throws ForwardDecodeException {
    try (ForwardDecoder d = new ForwardDecoder(limits, key, PEER)) {
      d.feed(bytes, 0, bytes.length);
      List<ForwardEntry> out = new ArrayList<>();
      for (ForwardEntry e; (e = d.next()) != null; ) {
        out.add(e);
      }
      assertThat(d.buffered()).as("bytes left over").isZero();
      return out;
    }
  }

  private static List<ForwardEntry> decodeInPieces(byte[] bytes, int piece) {
    try (ForwardDecoder d = new ForwardDecoder(LIMITS, "k", PEER)) {
      List<ForwardEntry> out = new ArrayList<>();
      for (int i = 0; i < bytes.length; i += piece) {
        d.feed(bytes, i, Math.min(piece, bytes.length - i));
        for (ForwardEntry e; (e = d.next()) != null; ) {
          out.add(e);
        }
      }
      assertThat(d.buffered()).isZero();
      return out;
    } catch (ForwardDecodeException e) {
      throw new AssertionError(e);
    }
  }

  private static JsonNode json(RawRecord r) {
    assertThat(r.error()).isNull();
    return tree(new String(r.value(), StandardCharsets.UTF_8));
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A decode error where a test expected none; unchecked so lambdas stay short. */
  private static final class DecodeFailed extends RuntimeException {
    DecodeFailed(ForwardDecodeException e) {
      super(e.getMessage(), e);
    }
  }
}
