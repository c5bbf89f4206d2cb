package io.lakestream.jobs.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.api.config.EventTimeConfig;
import io.lakestream.api.config.EventTimeConfig.TimeFormat;
import io.lakestream.api.config.SourceConfig;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventValidatorTest {

  private static final String SCHEMA =
      """
      {"$schema": "https://json-schema.org/draft/2020-12/schema",
       "type": "object",
       "required": ["device_id", "ts", "temperature"],
       "properties": {
         "id": {"type": "string"},
         "device_id": {"type": "string", "pattern": "^dev-[0-9]+$"},
         "ts": {"type": "string", "format": "date-time"},
         "temperature": {"type": "number", "minimum": -60, "maximum": 150},
         "level": {"enum": ["INFO", "WARN"]}
       }}
      """;

  private static final String CLICK_SCHEMA =
      """
      {"type": "object", "required": ["user_id", "ts"],
       "properties": {"user_id": {"type": "string"}, "ts": {"type": ["integer", "string"]}}}
      """;

  private final EventValidator validator =
      new EventValidator(
          Map.of(
              "sensors",
                  new SourceConfig(
                      "sensors",
                      "http",
                      "s.json",
                      SCHEMA,
                      "device_id",
                      new EventTimeConfig("ts", TimeFormat.ISO8601)),
              "clicks",
                  new SourceConfig(
                      "clicks",
                      "http",
                      "c.json",
                      CLICK_SCHEMA,
                      "user_id",
                      new EventTimeConfig("ts", TimeFormat.EPOCH_MILLIS))));

  private Verdict check(String source, String json) {
    return validator.check(source, json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void acceptsValidEventWithMicrosecondEventTime() {
    Verdict v =
        check(
            "sensors",
            "{\"device_id\":\"dev-1\",\"ts\":\"2026-11-23T14:05:00.123456Z\",\"temperature\":21.5}");
    Instant expected = Instant.parse("2026-11-23T14:05:00.123456Z");
    assertThat(v).isInstanceOf(Verdict.Accepted.class);
    assertThat(((Verdict.Accepted) v).eventTimeMicros())
        .isEqualTo(expected.getEpochSecond() * 1_000_000 + expected.getNano() / 1000);
    assertThat(((Verdict.Accepted) v).payload().get("device_id").asText()).isEqualTo("dev-1");
  }

  @Test
  void acceptsOffsetTimestamps() {
    Verdict v =
        check(
            "sensors",
            "{\"device_id\":\"dev-1\",\"ts\":\"2026-11-23T15:05:00+01:00\",\"temperature\":1}");
    assertThat(((Verdict.Accepted) v).eventTimeMicros())
        .isEqualTo(Instant.parse("2026-11-23T14:05:00Z").toEpochMilli() * 1000);
  }

  @Test
  void wrongTypeNamesThePointerAndTheExpectedType() {
    Verdict v =
        check(
            "sensors",
            "{\"device_id\":\"dev-1\",\"ts\":\"2026-11-23T14:05:00Z\",\"temperature\":\"hot\"}");
    assertThat(v).isInstanceOf(Verdict.Rejected.class);
    Verdict.Rejected r = (Verdict.Rejected) v;
    assertThat(r.stage()).isEqualTo("validate");
    assertThat(r.reason()).isEqualTo("/temperature: must be a number, got string");
  }

  @Test
  void missingRequiredFieldIsNamed() {
    Verdict.Rejected r =
        (Verdict.Rejected)
            check("sensors", "{\"device_id\":\"dev-1\",\"ts\":\"2026-11-23T14:05:00Z\"}");
    assertThat(r.stage()).isEqualTo("validate");
    assertThat(r.reason()).isEqualTo("/temperature: required field is missing");
  }

  @Test
  void rangeAndPatternViolationsAreReportedTogether() {
    Verdict.Rejected r =
        (Verdict.Rejected)
            check(
                "sensors",
                "{\"device_id\":\"x\",\"ts\":\"2026-11-23T14:05:00Z\",\"temperature\":900}");
    assertThat(r.reason()).contains("/device_id:").contains("/temperature:").contains("150");
  }

  @Test
  void badTimestampFailsTheDateTimeFormat() {
    Verdict.Rejected r =
        (Verdict.Rejected)
            check(
                "sensors", "{\"device_id\":\"dev-1\",\"ts\":\"yesterday noon\",\"temperature\":1}");
    assertThat(r.stage()).isEqualTo("validate");
    assertThat(r.reason()).startsWith("/ts:").contains("date-time");
  }

  @Test
  void unparseableEpochMillisIsAnEventTimeError() {
    Verdict.Rejected r = (Verdict.Rejected) check("clicks", "{\"user_id\":\"u1\",\"ts\":\"soon\"}");
    assertThat(r.stage()).isEqualTo("event_time");
    assertThat(r.reason()).isEqualTo("/ts: 'soon' is not a valid epoch_millis value");
  }

  @Test
  void epochMillisBecomesMicros() {
    Verdict v = check("clicks", "{\"user_id\":\"u1\",\"ts\":1763906700123}");
    assertThat(((Verdict.Accepted) v).eventTimeMicros()).isEqualTo(1763906700123000L);
  }

  @Test
  void malformedJsonIsAParseErrorWithLineAndColumn() {
    Verdict.Rejected r =
        (Verdict.Rejected) check("sensors", "{\"device_id\": \"dev-1\",\n \"ts\": }");
    assertThat(r.stage()).isEqualTo("parse");
    assertThat(r.reason()).startsWith("malformed JSON at line 2, column 8:");
  }

  @Test
  void nonObjectIsAParseError() {
    Verdict.Rejected r = (Verdict.Rejected) check("sensors", "[1,2]");
    assertThat(r).isEqualTo(new Verdict.Rejected("parse", "expected a JSON object, got array"));
  }

  @Test
  void manyErrorsAreCappedWithACount() {
    Verdict.Rejected r =
        (Verdict.Rejected)
            check("sensors", "{\"device_id\":1,\"ts\":2,\"temperature\":\"x\",\"level\":\"NO\"}");
    assertThat(r.reason()).endsWith("; and 1 more");
  }
}
