package io.lakestream.jobs.curated;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.jobs.ingest.RawEvent;
import io.lakestream.jobs.validate.ValidateFunction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CurateFunctionTest {

  private static final Instant W = Instant.parse("2026-11-23T14:00:00Z");
  private static final Duration LATENESS = Duration.ofSeconds(20);

  private static CuratedSchema schema;
  private static int arity;

  @BeforeAll
  static void loadSchema() throws IOException {
    schema =
        CuratedSchema.of(
            Files.readString(Path.of("../examples/iot/schemas/sensor-reading.schema.json")),
            null,
            null);
    arity = schema.rowType().getFieldCount();
  }

  private static RawEvent origin(String json, String topic) {
    RawEvent e = new RawEvent();
    e.value = json.getBytes(StandardCharsets.UTF_8);
    e.origin = "http 10.0.0.7:51234 line 3";
    e.topic = topic;
    e.partition = 2;
    e.offset = 4711L;
    return e;
  }

  /** An in-flight sensor reading with the given event time, as validation would emit it. */
  private static GenericRowData reading(String id, Instant eventTime, RawEvent origin) {
    GenericRowData curated = new GenericRowData(arity);
    curated.setField(0, StringData.fromString(id));
    curated.setField(1, TimestampData.fromInstant(eventTime));
    curated.setField(2, TimestampData.fromInstant(W.plusSeconds(3600)));
    curated.setField(schema.index("device_id"), StringData.fromString("th-berlin-0042"));
    curated.setField(schema.index("temperature"), 21.5);
    return InFlightRows.of(curated, origin, 0);
  }

  private static GenericRowData reading(String id, Instant eventTime) {
    return reading(
        id,
        eventTime,
        origin("{\"device_id\":\"th-berlin-0042\",\"temperature\":21.5}", "lakestream.p.raw"));
  }

  private static OneInputStreamOperatorTestHarness<RowData, RowData> harness(Duration lateness)
      throws Exception {
    return ProcessFunctionTestHarnesses.forProcessFunction(
        new CurateFunction("sensors", InFlightRows.rowType(schema), arity, lateness, null));
  }

  /** The late watermark the assigner emits for a nominal watermark of {@code W}. */
  private static long lateWatermark() {
    return W.toEpochMilli() - LATENESS.toMillis();
  }

  private static List<String> ids(List<? extends RowData> rows) {
    return rows.stream().map(r -> r.getString(0).toString()).toList();
  }

  private static List<RowData> errors(OneInputStreamOperatorTestHarness<RowData, RowData> h) {
    var side = h.getSideOutput(ValidateFunction.ERRORS);
    return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
  }

  @Test
  void everythingPassesBeforeTheFirstWatermark() throws Exception {
    try (var h = harness(LATENESS)) {
      h.processElement(reading("old", Instant.EPOCH), 0);
      h.processElement(reading("new", W), W.toEpochMilli());

      assertThat(ids(h.extractOutputValues())).containsExactly("old", "new");
      assertThat(errors(h)).isEmpty();
    }
  }

  @Test
  void eventsAfterTheWatermarkPassUnchanged() throws Exception {
    try (var h = harness(LATENESS)) {
      long wm = lateWatermark();
      h.processWatermark(wm);
      GenericRowData justAfter = reading("just-after", Instant.ofEpochMilli(wm + 1));
      GenericRowData inAllowedLateness = reading("within-lateness", W.minusSeconds(5));
      GenericRowData ahead = reading("ahead", W.plusSeconds(60));
      h.processElement(justAfter, wm + 1);
      h.processElement(inAllowedLateness, W.minusSeconds(5).toEpochMilli());
      h.processElement(ahead, W.plusSeconds(60).toEpochMilli());

      List<RowData> out = h.extractOutputValues();
      assertThat(ids(out)).containsExactly("just-after", "within-lateness", "ahead");
      // the in-flight row goes on as it came, origin columns included
      assertThat(out.get(0).getArity()).isEqualTo(justAfter.getArity());
      assertThat(out.get(0).getTimestamp(1, 3).getMillisecond()).isEqualTo(wm + 1);
      assertThat(out.get(0).getBinary(arity))
          .isEqualTo(
              "{\"device_id\":\"th-berlin-0042\",\"temperature\":21.5}"
                  .getBytes(StandardCharsets.UTF_8));
      assertThat(errors(h)).isEmpty();
    }
  }

  @Test
  void anEventAtTheWatermarkIsLate() throws Exception {
    try (var h = harness(LATENESS)) {
      long wm = lateWatermark();
      h.processWatermark(wm);
      h.processElement(reading("at", Instant.ofEpochMilli(wm)), wm);

      assertThat(h.extractOutputValues()).isEmpty();
      List<RowData> errors = errors(h);
      assertThat(errors).hasSize(1);
      assertThat(errors.get(0).getString(2).toString()).isEqualTo(CurateFunction.STAGE_LATE);
      assertThat(errors.get(0).getString(3).toString())
          .isEqualTo(
              "late: event time 2026-11-23T13:59:40Z is 20.001s behind the watermark"
                  + " 2026-11-23T14:00:00.001Z (allowed lateness 20s)");
    }
  }

  @Test
  void anEventBehindTheWatermarkGoesToTheErrorsWithItsLateness() throws Exception {
    try (var h = harness(LATENESS)) {
      // the operator sees W; the source's nominal watermark is W + allowed lateness
      h.processWatermark(W.toEpochMilli());
      Instant eventTime = Instant.parse("2026-11-23T13:03:30.001Z");
      h.processElement(reading("behind", eventTime), eventTime.toEpochMilli());
      h.processElement(reading("fine", W.plusMillis(1)), W.toEpochMilli() + 1);

      assertThat(ids(h.extractOutputValues())).containsExactly("fine");
      List<RowData> errors = errors(h);
      assertThat(ids(errors)).containsExactly("behind");
      RowData e = errors.get(0);
      assertThat(e.getString(1).toString()).isEqualTo("sensors");
      assertThat(e.getString(2).toString()).isEqualTo("late");
      assertThat(e.getString(3).toString())
          .isEqualTo(
              "late: event time 2026-11-23T13:03:30.001Z is 56m50s behind the watermark"
                  + " 2026-11-23T14:00:20.001Z (allowed lateness 20s)");
    }
  }

  @Test
  void theWatermarkThatCountsIsTheCurrentOne() throws Exception {
    try (var h = harness(Duration.ZERO)) {
      h.processWatermark(1_000);
      h.processElement(reading("a", Instant.ofEpochMilli(1_500)), 1_500);
      h.processWatermark(2_000);
      h.processElement(reading("b", Instant.ofEpochMilli(1_500)), 1_500);
      h.processElement(reading("c", Instant.ofEpochMilli(2_001)), 2_001);

      assertThat(ids(h.extractOutputValues())).containsExactly("a", "c");
      assertThat(ids(errors(h))).containsExactly("b");
      assertThat(errors(h).get(0).getString(3).toString())
          .isEqualTo(
              "late: event time 1970-01-01T00:00:01.500Z is 0.501s behind the watermark"
                  + " 1970-01-01T00:00:02.001Z (allowed lateness 0s)");
    }
  }

  @Test
  void theErrorRowCarriesTheOriginalBytesOriginAndKafkaPosition() throws Exception {
    String json = "{\"device_id\":\"th-berlin-0042\",\"ts\":\"2026-11-23T13:00:00Z\"}";
    try (var h = harness(LATENESS)) {
      h.processWatermark(lateWatermark());
      Instant eventTime = Instant.parse("2026-11-23T13:00:00Z");
      long before = System.currentTimeMillis();
      h.processElement(
          reading("ev-1", eventTime, origin(json, "lakestream.iot-demo.raw")),
          eventTime.toEpochMilli());
      long after = System.currentTimeMillis();

      RowData e = errors(h).get(0);
      assertThat(e.getArity()).isEqualTo(12);
      assertThat(e.getString(0).toString()).isEqualTo("ev-1");
      assertThat(e.getString(1).toString()).isEqualTo("sensors");
      assertThat(e.getString(2).toString()).isEqualTo("late");
      assertThat(e.getString(3).toString())
          .isEqualTo(
              "late: event time 2026-11-23T13:00:00Z is 1h0.001s behind the watermark"
                  + " 2026-11-23T14:00:00.001Z (allowed lateness 20s)");
      // ingest time is the in-flight row's, error time is when it was rejected
      assertThat(e.getTimestamp(4, 3).toInstant()).isEqualTo(W.plusSeconds(3600));
      assertThat(e.getTimestamp(5, 3).getMillisecond()).isBetween(before, after);
      assertThat(e.getString(6).toString()).isEqualTo(json);
      assertThat(e.getBinary(7)).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
      assertThat(e.getString(8).toString()).isEqualTo("http 10.0.0.7:51234 line 3");
      assertThat(e.getString(9).toString()).isEqualTo("lakestream.iot-demo.raw");
      assertThat(e.getInt(10)).isEqualTo(2);
      assertThat(e.getLong(11)).isEqualTo(4711L);
    }
  }

  @Test
  void anEventThatDidNotComeFromKafkaHasNoKafkaPosition() throws Exception {
    try (var h = harness(LATENESS)) {
      h.processWatermark(lateWatermark());
      RawEvent o = origin("{}", null);
      o.origin = null;
      h.processElement(reading("ev-2", Instant.EPOCH, o), 0);

      RowData e = errors(h).get(0);
      assertThat(e.getString(0).toString()).isEqualTo("ev-2");
      assertThat(e.getBinary(7)).isEqualTo("{}".getBytes(StandardCharsets.UTF_8));
      assertThat(e.isNullAt(8)).isTrue();
      assertThat(e.isNullAt(9)).isTrue();
      assertThat(e.isNullAt(10)).isTrue();
      assertThat(e.isNullAt(11)).isTrue();
    }
  }

  @Test
  void lateReasonNamesTheNominalWatermark() {
    CurateFunction f =
        new CurateFunction(
            "sensors", InFlightRows.rowType(schema), arity, Duration.ofMinutes(1), null);
    long wm = Instant.parse("2026-11-23T14:05:00Z").toEpochMilli();
    long eventTime = Instant.parse("2026-11-23T14:01:47.500Z").toEpochMilli();

    assertThat(f.lateReason(eventTime, wm))
        .isEqualTo(
            "late: event time 2026-11-23T14:01:47.500Z is 4m12.501s behind the watermark"
                + " 2026-11-23T14:06:00.001Z (allowed lateness 1m)");
  }

  @ParameterizedTest(name = "{0} ms -> {1}")
  @CsvSource({
    "0, 0s",
    "-5, 0s",
    "1, 0.001s",
    "10, 0.01s",
    "500, 0.5s",
    "1000, 1s",
    "1500, 1.5s",
    "59999, 59.999s",
    "60000, 1m",
    "61001, 1m1.001s",
    "252500, 4m12.5s",
    "3409999, 56m49.999s",
    "3600000, 1h",
    "3600001, 1h0.001s",
    "7200000, 2h",
    "3661000, 1h1m1s",
    "90000000, 25h",
  })
  void human(long millis, String expected) {
    assertThat(CurateFunction.human(millis)).isEqualTo(expected);
  }
}
