package io.lakestream.source.logs.syslog.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SyslogParserTest {

  private static final String BOM = "\uFEFF";
  private static final long RECEIVED = Instant.parse("2026-12-06T01:11:38Z").toEpochMilli();

  private final SyslogParser utc = new SyslogParser(ZoneOffset.UTC);

  // ---- RFC 5424: the RFC's own examples (section 6.5) ----

  @Test
  void rfc5424ExampleWithBomAndNoStructuredData() {
    SyslogMessage m =
        parse(
            "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - "
                + BOM
                + "'su root' failed for lonvick on /dev/pts/8");

    assertThat(m.format()).isEqualTo("rfc5424");
    assertThat(m.facility()).isEqualTo(4);
    assertThat(m.severity()).isEqualTo(2);
    assertThat(m.timestamp()).isEqualTo(Instant.parse("2003-10-11T22:14:15.003Z"));
    assertThat(m.host()).isEqualTo("mymachine.example.com");
    assertThat(m.app()).isEqualTo("su");
    assertThat(m.procid()).isNull();
    assertThat(m.msgid()).isEqualTo("ID47");
    assertThat(m.structuredData()).isNull();
    assertThat(m.message()).isEqualTo("'su root' failed for lonvick on /dev/pts/8");
  }

  @Test
  void rfc5424ExampleWithMicrosecondsAndOffset() {
    SyslogMessage m =
        parse(
            "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to"
                + " make the do-nuts.");

    assertThat(m.facility()).isEqualTo(20);
    assertThat(m.severity()).isEqualTo(5);
    assertThat(m.timestamp()).isEqualTo(Instant.parse("2003-08-24T12:14:15.000003Z"));
    assertThat(m.host()).isEqualTo("192.0.2.1");
    assertThat(m.app()).isEqualTo("myproc");
    assertThat(m.procid()).isEqualTo("8710");
    assertThat(m.msgid()).isNull();
    assertThat(m.message()).isEqualTo("%% It's time to make the do-nuts.");
  }

  @Test
  void rfc5424ExampleWithStructuredDataAndMessage() {
    SyslogMessage m =
        parse(
            "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473"
                + " iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] "
                + BOM
                + "An application event log entry...");

    assertThat(m.structuredData())
        .containsExactly(
            Map.entry(
                "exampleSDID@32473",
                Map.of(
                    "iut", List.of("3"),
                    "eventSource", List.of("Application"),
                    "eventID", List.of("1011"))));
    assertThat(m.structuredData().get("exampleSDID@32473").keySet())
        .containsExactly("iut", "eventSource", "eventID");
    assertThat(m.message()).isEqualTo("An application event log entry...");
  }

  @Test
  void rfc5424ExampleWithTwoElementsAndNoMessage() {
    SyslogMessage m =
        parse(
            "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473"
                + " iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473"
                + " class=\"high\"]");

    assertThat(m.structuredData().keySet())
        .containsExactly("exampleSDID@32473", "examplePriority@32473");
    assertThat(m.structuredData().get("examplePriority@32473"))
        .isEqualTo(Map.of("class", List.of("high")));
    assertThat(m.message()).isNull();
  }

  @Test
  void rfc5424AllNilValues() {
    SyslogMessage m = parse("<13>1 - - - - - -");

    assertThat(m.timestamp()).isNull();
    assertThat(m.host()).isNull();
    assertThat(m.app()).isNull();
    assertThat(m.procid()).isNull();
    assertThat(m.msgid()).isNull();
    assertThat(m.structuredData()).isNull();
    assertThat(m.message()).isNull();
    assertThat(m.facility()).isEqualTo(1);
    assertThat(m.severity()).isEqualTo(5);
  }

  @Test
  void rfc5424WhatLoggerSendsByDefault() {
    SyslogMessage m =
        parse(
            "<13>1 2026-12-06T01:11:38.024496+00:00 vm myapp - - [timeQuality tzKnown=\"1\""
                + " isSynced=\"0\"] hello default");

    assertThat(m.timestamp()).isEqualTo(Instant.parse("2026-12-06T01:11:38.024496Z"));
    assertThat(m.host()).isEqualTo("vm");
    assertThat(m.app()).isEqualTo("myapp");
    assertThat(m.structuredData())
        .isEqualTo(
            Map.of("timeQuality", Map.of("tzKnown", List.of("1"), "isSynced", List.of("0"))));
    assertThat(m.message()).isEqualTo("hello default");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1985-04-12T23:20:50.52Z          | 1985-04-12T23:20:50.520Z",
        "1985-04-12T19:20:50.52-04:00     | 1985-04-12T23:20:50.520Z",
        "2003-10-11T22:14:15.003Z         | 2003-10-11T22:14:15.003Z",
        "2003-08-24T05:14:15.000003-07:00 | 2003-08-24T12:14:15.000003Z",
        "2003-12-31T23:30:00-01:00        | 2004-01-01T00:30:00Z",
        "2004-02-29T23:59:59+05:30        | 2004-02-29T18:29:59Z",
        "0000-01-01T00:00:00Z             | 0000-01-01T00:00:00Z",
      })
  void rfc5424Timestamps(String timestamp, String utc) {
    SyslogMessage m = parse("<13>1 " + timestamp + " h a p m -");

    assertThat(m.timestamp()).isEqualTo(Instant.parse(utc));
  }

  @Test
  void structuredDataEscapes() {
    SyslogMessage m =
        parse(
            "<13>1 - - - - - [x@1 q=\"a\\\"b\" s=\"a\\\\b\" k=\"a\\]b\" o=\"a\\nb\" u=\"a]b\""
                + " e=\"\" z=\"é\"]");

    assertThat(m.structuredData().get("x@1"))
        .containsExactly(
            Map.entry("q", List.of("a\"b")),
            Map.entry("s", List.of("a\\b")),
            Map.entry("k", List.of("a]b")),
            Map.entry("o", List.of("a\\nb")),
            Map.entry("u", List.of("a]b")),
            Map.entry("e", List.of("")),
            Map.entry("z", List.of("é")));
  }

  @Test
  void repeatedParamNameKeepsEveryValue() {
    SyslogMessage m = parse("<13>1 - - - - - [origin ip=\"10.0.0.1\" ip=\"10.0.0.2\"] x");

    assertThat(m.structuredData().get("origin"))
        .isEqualTo(Map.of("ip", List.of("10.0.0.1", "10.0.0.2")));
  }

  @Test
  void messageWithoutBomMayBeAnyUtf8() {
    assertThat(parse("<13>1 - - - - - - grüße 😀").message()).isEqualTo("grüße 😀");
    assertThat(parse("<13>1 - - - - - - ").message()).isNull();
    assertThat(parse("<13>1 - - - - - -  two spaces").message()).isEqualTo(" two spaces");
  }

  // ---- RFC 3164 ----

  @Test
  void rfc3164ExampleFromTheRfc() {
    SyslogMessage m =
        parse("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8");

    assertThat(m.format()).isEqualTo("rfc3164");
    assertThat(m.facility()).isEqualTo(4);
    assertThat(m.severity()).isEqualTo(2);
    assertThat(m.timestamp()).isEqualTo(Instant.parse("2026-10-11T22:14:15Z"));
    assertThat(m.host()).isEqualTo("mymachine");
    assertThat(m.app()).isEqualTo("su");
    assertThat(m.procid()).isNull();
    assertThat(m.msgid()).isNull();
    assertThat(m.structuredData()).isNull();
    assertThat(m.message()).isEqualTo("'su root' failed for lonvick on /dev/pts/8");
  }

  @Test
  void rfc3164WithoutTagKeepsAllAsContent() {
    SyslogMessage m = parse("<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!");

    assertThat(m.host()).isEqualTo("10.0.0.99");
    assertThat(m.app()).isNull();
    assertThat(m.message()).isEqualTo("Use the BFG!");
    assertThat(m.timestamp()).isEqualTo(Instant.parse("2026-02-05T17:32:18Z"));
  }

  @Test
  void rfc3164WithPid() {
    SyslogMessage m = parse("<30>Dec  6 01:11:38 vm sshd[9318]: Accepted publickey");

    assertThat(m.facility()).isEqualTo(3);
    assertThat(m.severity()).isEqualTo(6);
    assertThat(m.host()).isEqualTo("vm");
    assertThat(m.app()).isEqualTo("sshd");
    assertThat(m.procid()).isEqualTo("9318");
    assertThat(m.message()).isEqualTo("Accepted publickey");
  }

  @Test
  void rfc3164AsLoggerWritesToDevLogHasNoHostname() {
    SyslogMessage m = parse("<13>Dec  6 01:11:38 x: unix");

    assertThat(m.host()).isNull();
    assertThat(m.app()).isEqualTo("x");
    assertThat(m.message()).isEqualTo("unix");

    SyslogMessage withPid = parse("<13>Dec  6 01:11:38 cron[42]: job done");
    assertThat(withPid.host()).isNull();
    assertThat(withPid.app()).isEqualTo("cron");
    assertThat(withPid.procid()).isEqualTo("42");
  }

  @Test
  void rfc3164Variants() {
    assertThat(parse("<13>Dec 06 01:11:38 h t: m").timestamp())
        .isEqualTo(Instant.parse("2026-12-06T01:11:38Z"));
    assertThat(parse("<13>Dec 6 01:11:38 h t: m").timestamp())
        .isEqualTo(Instant.parse("2026-12-06T01:11:38Z"));
    assertThat(parse("<13>Dec  6 01:11:38.123 h t: m").timestamp())
        .isEqualTo(Instant.parse("2026-12-06T01:11:38.123Z"));
    assertThat(parse("<13>Dec  6 2019 01:11:38 h t: m").timestamp())
        .isEqualTo(Instant.parse("2019-12-06T01:11:38Z"));
    SyslogMessage rfc3339 = parse("<13>2024-01-01T12:00:00.5+01:00 h t: m");
    assertThat(rfc3339.timestamp()).isEqualTo(Instant.parse("2024-01-01T11:00:00.5Z"));
    assertThat(rfc3339.format()).isEqualTo("rfc3164");
    SyslogMessage noHeader = parse("<13>just text");
    assertThat(noHeader.timestamp()).isNull();
    assertThat(noHeader.host()).isNull();
    assertThat(noHeader.app()).isNull();
    assertThat(noHeader.message()).isEqualTo("just text");
    SyslogMessage tagOnly = parse("<13>kernel: oops");
    assertThat(tagOnly.app()).isEqualTo("kernel");
    assertThat(tagOnly.message()).isEqualTo("oops");
    SyslogMessage bare = parse("<13>Dec  6 01:11:38 h");
    assertThat(bare.host()).isEqualTo("h");
    assertThat(bare.message()).isNull();
    assertThat(parse("<13>Dec  6 01:11:38 h t:").app()).isEqualTo("t");
    assertThat(parse("<13>Dec  6 01:11:38 h t:no-space").message()).isEqualTo("t:no-space");
    assertThat(parse("<13>").message()).isNull();
    assertThat(parse("<13>1234 text").message()).isEqualTo("1234 text");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // received           | message time      | taken as
        "2026-12-06T01:11:38Z | Dec  6 01:11:38 | 2026-12-06T01:11:38Z",
        "2026-12-06T01:11:38Z | Dec 12 23:00:00 | 2026-12-12T23:00:00Z",
        "2026-12-06T01:11:38Z | Dec 14 00:00:00 | 2025-12-14T00:00:00Z",
        "2027-01-02T00:00:00Z | Dec 31 23:59:59 | 2026-12-31T23:59:59Z",
        "2026-12-31T23:59:50Z | Jan  1 00:00:05 | 2027-01-01T00:00:05Z",
        "2028-03-01T00:00:00Z | Feb 29 12:00:00 | 2028-02-29T12:00:00Z",
      })
  void rfc3164YearIsInferredAroundTheReceiveTime(String received, String time, String expected) {
    SyslogParser.Result r = result(utc, "<13>" + time + " h t: m", Instant.parse(received));

    assertThat(r.message().timestamp()).isEqualTo(Instant.parse(expected));
  }

  @Test
  void rfc3164TimeIsReadInTheReceiversZone() {
    SyslogParser berlin = new SyslogParser(ZoneId.of("Europe/Berlin"));

    assertThat(
            result(berlin, "<13>Dec  6 01:11:38 h t: m", Instant.ofEpochMilli(RECEIVED))
                .message()
                .timestamp())
        .isEqualTo(Instant.parse("2026-12-06T00:11:38Z"));
  }

  // ---- malformed: every reason names the part and the byte ----

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "``                                      | syslog: empty message",
        "hello                                   | syslog: missing PRI at byte 0: expected '<', got 'h'",
        "<>1 - - - - - -                         | syslog: bad PRI at byte 1: expected a number from 0 to 191, got '>'",
        "<1234>1 - - - - - -                     | syslog: bad PRI at byte 4: expected '>' after at most 3 digits, got '4'",
        "<13                                     | syslog: bad PRI at byte 3: expected '>' after at most 3 digits, got the end of the message",
        "<013>1 - - - - - -                      | syslog: bad PRI at byte 1: leading zero in '013'",
        "<192>1 - - - - - -                      | syslog: bad PRI at byte 1: 192 is above 191 (facility 23, severity 7)",
        "<x>                                     | syslog: bad PRI at byte 1: expected a number from 0 to 191, got 'x'",
        "<13>2 - - - - - -                       | RFC 5424: unsupported VERSION at byte 4: '2', only 1 is defined",
        "<13>01 - - - - - -                      | RFC 5424: unsupported VERSION at byte 4: '01', only 1 is defined",
        "`<13>1 `                                | RFC 5424: missing TIMESTAMP at byte 6: the message ends after VERSION",
        "<13>1 2003-13-11T22:14:15Z h a p m -    | RFC 5424: bad TIMESTAMP at byte 11: month 13 is out of range",
        "<13>1 2003-02-29T22:14:15Z h a p m -    | RFC 5424: bad TIMESTAMP at byte 14: there is no day 29 in '2003-02'",
        "<13>1 2003-10-00T22:14:15Z h a p m -    | RFC 5424: bad TIMESTAMP at byte 14: there is no day 0 in '2003-10'",
        "<13>1 2003-10-11 22:14:15Z h a p m -    | RFC 5424: bad TIMESTAMP at byte 16: expected 'T' between date and time, got SP",
        "<13>1 2003-10-11T22:14:15 h a p m -     | RFC 5424: bad TIMESTAMP at byte 25: expected 'Z', '+' or '-' (the offset), got SP",
        "<13>1 2003-10-11T24:14:15Z h a p m -    | RFC 5424: bad TIMESTAMP at byte 17: hour 24 is out of range",
        "<13>1 2003-10-11T22:60:15Z h a p m -    | RFC 5424: bad TIMESTAMP at byte 20: minute 60 is out of range",
        "<13>1 1990-12-31T23:59:60Z h a p m -    | RFC 5424: bad TIMESTAMP at byte 23: second 60 is out of range",
        "<13>1 2003-10-11T22:14:15.Z h a p m -   | RFC 5424: bad TIMESTAMP at byte 26: expected a digit after '.', got 'Z'",
        "<13>1 2003-08-24T05:14:15.000000003-07:00 h a p m - | RFC 5424: bad TIMESTAMP at byte 26: more than 6 fraction digits",
        "<13>1 2003-10-11T22:14:15+24:00 h a p m - | RFC 5424: bad TIMESTAMP at byte 25: offset '+24:00' is out of range",
        "<13>1 2003-10-11T22:14:15+0100 h a p m - | RFC 5424: bad TIMESTAMP at byte 28: expected ':' in the offset, got '0'",
        "<13>1 03-10-11T22:14:15Z h a p m -      | RFC 5424: bad TIMESTAMP at byte 8: expected 4-digit year, got '-'",
        "<13>1 2003-10-11t22:14:15Z h a p m -    | RFC 5424: bad TIMESTAMP at byte 16: expected 'T' between date and time, got 't'",
        "<13>1 2003-10-11T22:14:15Zh a p m -     | RFC 5424: bad TIMESTAMP at byte 26: expected SP after it, got 'h'",
        "<13>1 -                                 | RFC 5424: missing HOSTNAME at byte 7: the message ends after TIMESTAMP",
        "<13>1 -  h a p m -                      | RFC 5424: missing HOSTNAME at byte 8: expected a value or '-', got SP",
        "<13>1 - h                               | RFC 5424: missing APP-NAME at byte 9: the message ends after HOSTNAME",
        "<13>1 - h a                             | RFC 5424: missing PROCID at byte 11: the message ends after APP-NAME",
        "<13>1 - h a p                           | RFC 5424: missing MSGID at byte 13: the message ends after PROCID",
        "<13>1 - h a p m                         | RFC 5424: missing STRUCTURED-DATA at byte 15: the message ends after MSGID",
        "<13>1 - h a p m x                       | RFC 5424: bad STRUCTURED-DATA at byte 16: expected '[' or '-', got 'x'",
        "<13>1 - h a p m -x                      | RFC 5424: bad STRUCTURED-DATA at byte 17: expected SP or the end of the message after it, got 'x'",
        "<13>1 - h a p m [x                      | RFC 5424: bad STRUCTURED-DATA at byte 18: the message ends inside SD-ELEMENT \"x\"",
        "<13>1 - h a p m []                      | RFC 5424: bad STRUCTURED-DATA at byte 17: expected SD-ID, got ']'",
        "<13>1 - h a p m [x a]                   | RFC 5424: bad STRUCTURED-DATA at byte 20: expected '=' after PARAM-NAME \"a\", got ']'",
        "<13>1 - h a p m [x a=b]                 | RFC 5424: bad STRUCTURED-DATA at byte 21: expected '\"' to open the value of \"a\", got 'b'",
        "<13>1 - h a p m [x a=\"b]               | RFC 5424: bad STRUCTURED-DATA at byte 21: the value of \"a\" is not closed by '\"'",
        "<13>1 - h a p m [x a=\"\\\"]            | RFC 5424: bad STRUCTURED-DATA at byte 21: the value of \"a\" is not closed by '\"'",
        "<13>1 - h a p m [x a=\"1\"][x b=\"2\"]  | RFC 5424: bad STRUCTURED-DATA at byte 26: SD-ID \"x\" appears twice",
        "<13>1 - h a p m [x a=\"1\"]msg          | RFC 5424: bad STRUCTURED-DATA at byte 25: expected SP or the end of the message after it, got 'm'",
        "<13>1 - h a p m [x  a=\"1\"]            | RFC 5424: bad STRUCTURED-DATA at byte 19: expected PARAM-NAME, got SP",
        "<13>1 - h a p m [x,a=\"1\"]             | RFC 5424: bad STRUCTURED-DATA at byte 20: expected SP or ']' in SD-ELEMENT \"x,a\", got '='",
        "<13>1 - h a p m [x\"y]                  | RFC 5424: bad STRUCTURED-DATA at byte 18: expected SP or ']' in SD-ELEMENT \"x\", got '\"'",
        "<13>1 - h a p m [123456789012345678901234567890123] | RFC 5424: bad STRUCTURED-DATA at byte 17: SD-ID of 33 characters, at most 32",
        "<13>1 - h 1234567890123456789012345678901234567890123456789 p m - | RFC 5424: bad APP-NAME at byte 10: 49 characters, at most 48 allowed",
        "<13>1 - h a p 123456789012345678901234567890123 - | RFC 5424: bad MSGID at byte 14: 33 characters, at most 32 allowed",
        "<13>Dec 32 01:11:38 h t: m              | RFC 3164: bad TIMESTAMP at byte 8: day 32 is out of range",
        "<13>Dec  0 01:11:38 h t: m              | RFC 3164: bad TIMESTAMP at byte 9: day 0 is out of range",
        "<13>Dec  6 1:11:38 h t: m               | RFC 3164: bad TIMESTAMP at byte 12: expected 2-digit hour, got ':'",
        "<13>Dec  6 01:61:38 h t: m              | RFC 3164: bad TIMESTAMP at byte 11: time '01:61:38' is out of range",
        "<13>Dec  6 01:11 h t: m                 | RFC 3164: bad TIMESTAMP at byte 16: expected ':' after the minute, got SP",
        "<13>Dec  6 01:11:38x h t: m             | RFC 3164: bad TIMESTAMP at byte 19: expected SP after it, got 'x'",
        "<13>Dec x                               | RFC 3164: bad TIMESTAMP at byte 8: expected day, got 'x'",
        "<13>Feb 29 01:11:38 h t: m              | RFC 3164: bad TIMESTAMP at byte 8: there is no Feb 29 in 2026",
        "<13>Dec  6 2019 01:11:38.1234567890 h t: m | RFC 3164: bad TIMESTAMP at byte 25: more than 9 fraction digits",
        "<13>2024-01-01 12:00:00Z h t: m         | RFC 3164: bad TIMESTAMP at byte 14: expected 'T' between date and time, got SP",
      })
  void malformed(String message, String reason) {
    assertThat(error(message)).isEqualTo(reason);
  }

  @Test
  void controlCharactersAndNonAsciiInHeaderFields() {
    assertThat(error("<13>1 - h\tx a p m -"))
        .isEqualTo("RFC 5424: bad HOSTNAME at byte 9: byte 0x09 is not printable US-ASCII");
    assertThat(error("<13>1 - hé a p m -"))
        .isEqualTo("RFC 5424: bad HOSTNAME at byte 9: byte 0xC3 is not printable US-ASCII");
    assertThat(error("<13>1 - h a p m [x a\u0001=\"1\"]"))
        .isEqualTo("RFC 5424: bad STRUCTURED-DATA at byte 20: PARAM-NAME contains byte 0x01");
  }

  @Test
  void invalidUtf8GoesToTheErrorZoneWithTheByte() {
    assertThat(error(bytes("<13>1 - - - - - - ok ", 0xFF, 'x')))
        .isEqualTo("RFC 5424: bad MSG at byte 21: not UTF-8 (0xFF 0x78)");
    assertThat(error(bytes("<13>1 - - - - - - " + BOM + "ok ", 0xC3, 0x28)))
        .isEqualTo("RFC 5424: bad MSG at byte 24: not UTF-8 (0xC3 0x28)");
    assertThat(error(bytes("<13>1 - - - - - [x a=\"", 0xED, 0xA0, 0x80, '"', ']')))
        .isEqualTo(
            "RFC 5424: bad STRUCTURED-DATA at byte 22: the value of \"a\" is not UTF-8 (0xED 0xA0 0x80 0x22)");
    assertThat(error(bytes("<13>Dec  6 01:11:38 h t: caf", 0xE9)))
        .isEqualTo("RFC 3164: bad CONTENT at byte 28: not UTF-8 (0xE9)");
  }

  @Test
  void reasonsCountFromTheStartOfTheSlice() {
    byte[] b = "xxxx<13>1 2003-13-11T22:14:15Z h a p m -yyyy".getBytes(UTF_8);

    SyslogParser.Result r = utc.parse(b, 4, b.length - 8, RECEIVED);

    assertThat(r.error()).isEqualTo("RFC 5424: bad TIMESTAMP at byte 11: month 13 is out of range");
  }

  private SyslogMessage parse(String message) {
    SyslogParser.Result r = result(utc, message, Instant.ofEpochMilli(RECEIVED));
    assertThat(r.error()).as("reason for %s", message).isNull();
    return r.message();
  }

  private String error(String message) {
    return error(message.getBytes(UTF_8));
  }

  private String error(byte[] message) {
    SyslogParser.Result r = utc.parse(message, 0, message.length, RECEIVED);
    assertThat(r.message()).as("parsed %s", new String(message, UTF_8)).isNull();
    return r.error();
  }

  private static SyslogParser.Result result(SyslogParser p, String message, Instant received) {
    byte[] b = message.getBytes(UTF_8);
    return p.parse(b, 0, b.length, received.toEpochMilli());
  }

  private static byte[] bytes(String prefix, int... rest) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(prefix.getBytes(UTF_8));
    for (int b : rest) {
      out.write(b);
    }
    return out.toByteArray();
  }
}
