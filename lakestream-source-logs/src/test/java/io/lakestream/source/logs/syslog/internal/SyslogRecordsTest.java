package io.lakestream.source.logs.syslog.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.api.ingest.EventFields;
import io.lakestream.api.ingest.RawRecord;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SyslogRecordsTest {

  private static final long RECEIVED = Instant.parse("2026-12-06T01:11:38.250Z").toEpochMilli();

  @Test
  void rfc5424AsJson() {
    RawRecord r =
        record(
            "host",
            "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - [x@1 a=\"1\" a=\"2\""
                + " b=\"q\\\"\"][y c=\"\"] %% It's time");

    assertThat(r.error()).isNull();
    assertThat(new String(r.value(), UTF_8))
        .isEqualTo(
            "{\"timestamp\":\"2003-08-24T12:14:15.000003Z\",\"host\":\"192.0.2.1\","
                + "\"app\":\"myproc\",\"procid\":\"8710\",\"severity\":\"notice\","
                + "\"severity_code\":5,\"facility\":\"local4\",\"facility_code\":20,"
                + "\"structured_data\":{\"x@1\":{\"a\":[\"1\",\"2\"],\"b\":\"q\\\"\"},\"y\":{\"c\":\"\"}},"
                + "\"message\":\"%% It's time\",\"format\":\"rfc5424\"}");
    assertThat(new String(r.key(), UTF_8)).isEqualTo("192.0.2.1");
    assertThat(r.idGenerated()).isTrue();
    assertThat(r.origin()).isEqualTo("syslog test");
    assertThat(EventFields.read(r.value(), 0, r.value().length, "host").error()).isNull();
  }

  @Test
  void withoutTimestampTheReceiveTimeIsUsedAndAbsentFieldsAreLeftOut() {
    RawRecord r = record("app", "<11>1 - - - - - -");

    assertThat(new String(r.value(), UTF_8))
        .isEqualTo(
            "{\"timestamp\":\"2026-12-06T01:11:38.250Z\",\"severity\":\"err\",\"severity_code\":3,"
                + "\"facility\":\"user\",\"facility_code\":1,\"format\":\"rfc5424\"}");
    assertThat(r.key()).isNull();
  }

  @Test
  void rfc3164AsJson() {
    RawRecord r = record("app", "<30>Dec  6 01:11:38 vm sshd[9318]: Accepted\tkey \u0001 é");

    assertThat(new String(r.value(), UTF_8))
        .isEqualTo(
            "{\"timestamp\":\"2026-12-06T01:11:38Z\",\"host\":\"vm\",\"app\":\"sshd\","
                + "\"procid\":\"9318\",\"severity\":\"info\",\"severity_code\":6,"
                + "\"facility\":\"daemon\",\"facility_code\":3,"
                + "\"message\":\"Accepted\\tkey \\u0001 é\",\"format\":\"rfc3164\"}");
    assertThat(new String(r.key(), UTF_8)).isEqualTo("sshd");
  }

  @Test
  void keyIsAnyTopLevelScalarField() {
    String m = "<165>1 2003-10-11T22:14:15.003Z h a p m [s x=\"1\"] text";
    assertThat(key("timestamp", m)).isEqualTo("2003-10-11T22:14:15.003Z");
    assertThat(key("procid", m)).isEqualTo("p");
    assertThat(key("msgid", m)).isEqualTo("m");
    assertThat(key("severity", m)).isEqualTo("notice");
    assertThat(key("severity_code", m)).isEqualTo("5");
    assertThat(key("facility", m)).isEqualTo("local4");
    assertThat(key("facility_code", m)).isEqualTo("20");
    assertThat(key("message", m)).isEqualTo("text");
    assertThat(key("format", m)).isEqualTo("rfc5424");
    assertThat(key("structured_data", m)).isNull();
    assertThat(key("nothing", m)).isNull();
    // the same answer as reading the JSON
    for (String field : new String[] {"timestamp", "host", "severity_code", "structured_data"}) {
      RawRecord r = record(field, m);
      byte[] read = EventFields.read(r.value(), 0, r.value().length, field).key();
      assertThat(r.key()).as(field).isEqualTo(read);
    }
  }

  @Test
  void unparsableMessageKeepsItsOriginalBytes() {
    byte[] original = "xx<13>1 2003-13-11T22:14:15Z h a p m - hi\u00ff".getBytes(UTF_8);
    SyslogRecords records = new SyslogRecords("host", 1000, ZoneOffset.UTC);

    RawRecord r = records.message(original, 2, original.length - 2, RECEIVED, "syslog test");

    assertThat(r.value()).isEqualTo(java.util.Arrays.copyOfRange(original, 2, original.length));
    assertThat(r.error()).isEqualTo("RFC 5424: bad TIMESTAMP at byte 11: month 13 is out of range");
    assertThat(r.key()).isNull();
    assertThat(r.idGenerated()).isTrue();
  }

  @Test
  void oversizedAndTruncatedReasons() {
    SyslogRecords records = new SyslogRecords("host", 480, ZoneOffset.UTC);
    byte[] b = "x".repeat(480).getBytes(UTF_8);

    assertThat(records.oversized(b, 0, 480, 99_999_999_999L, "o").error())
        .isEqualTo("message of 99999999999 bytes exceeds max_message_size 480");
    assertThat(records.truncated(b, 0, 7, 20, "o").error())
        .isEqualTo(
            "connection closed after 7 of the 20 bytes announced by the octet count (RFC 6587)");
    assertThat(records.truncated(b, 0, 7, 20, "o").value()).hasSize(7);
  }

  private static String key(String field, String message) {
    byte[] k = record(field, message).key();
    return k == null ? null : new String(k, UTF_8);
  }

  private static RawRecord record(String keyField, String message) {
    byte[] b = message.getBytes(UTF_8);
    return new SyslogRecords(keyField, 1000, ZoneOffset.UTC)
        .message(b, 0, b.length, RECEIVED, "syslog test");
  }
}
