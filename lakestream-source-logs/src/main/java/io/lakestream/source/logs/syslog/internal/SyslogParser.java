package io.lakestream.source.logs.syslog.internal;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.Year;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses one syslog message, RFC 5424 or RFC 3164, into a {@link SyslogMessage} or says precisely
 * what is wrong and at which byte (counted from 0).
 *
 * <p>The format is told by what follows PRI: a VERSION (1 to 3 digits, then SP) means RFC 5424,
 * anything else RFC 3164. RFC 5424 is parsed strictly by its ABNF (TIMESTAMP with at most 6
 * fraction digits and no leap second, header fields printable US-ASCII within their length limits,
 * SD-NAMEs, quoted PARAM-VALUEs, no SD-ID twice), with two tolerances that cannot change a value:
 * an unescaped {@code ]} inside a quoted PARAM-VALUE, and a repeated PARAM-NAME (kept as several
 * values, as RFC 5424 allows). RFC 3164 is a description of practice rather than a grammar, so that
 * side accepts what senders do:
 *
 * <ul>
 *   <li>{@code Mmm dd hh:mm:ss} (day space- or zero-padded, optional fraction, optional year {@code
 *       Mmm dd yyyy hh:mm:ss}) or an RFC 3339 timestamp, or none;
 *   <li>after a timestamp, a HOSTNAME unless the first word is already the TAG ({@code logger}
 *       writing to {@code /dev/log} sends {@code <13>Dec 6 01:11:38 tag: text} without one);
 *   <li>{@code TAG:} or {@code TAG[pid]:} when present; otherwise all of the rest is CONTENT.
 * </ul>
 *
 * <p>An RFC 3164 timestamp has neither year nor zone. It is read in the receiver's zone (given to
 * the constructor) and the year is the one that puts it within [receive time − 358 days, receive
 * time + 7 days]: the receive year, the year before if that would be more than 7 days ahead (a
 * December message arriving in January), the year after if the message is from just after new year
 * and the receiver's clock still says December.
 *
 * <p>Text has to be valid UTF-8: the JSON carries text, and replacing bad bytes would change what
 * the sender wrote, so such a message goes to the error zone with its original bytes instead.
 *
 * <p>Not thread-safe: one instance per connection.
 */
public final class SyslogParser {

  /** What {@link #parse} found: exactly one of the two is non-null. */
  public record Result(SyslogMessage message, String error) {}

  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };
  private static final long AHEAD_SECONDS = Duration.ofDays(7).toSeconds();
  private static final long BEHIND_SECONDS = Duration.ofDays(358).toSeconds();
  private static final int MAX_TAG = 48;
  private static final int MAX_PID = 128;

  private final ZoneId localZone;

  private byte[] b;
  private int start;
  private int pos;
  private int end;
  private String format;

  /**
   * @param localZone the zone RFC 3164 timestamps (which carry none) are read in
   */
  public SyslogParser(ZoneId localZone) {
    this.localZone = localZone;
  }

  /**
   * Parses {@code bytes[off, off+len)}. Never throws on bad input.
   *
   * @param receivedMillis when the message arrived, for the RFC 3164 year
   */
  public Result parse(byte[] bytes, int off, int len, long receivedMillis) {
    b = bytes;
    start = off;
    pos = off;
    end = off + len;
    format = "syslog";
    try {
      return new Result(message(receivedMillis), null);
    } catch (Bad e) {
      return new Result(null, e.getMessage());
    } finally {
      b = null;
    }
  }

  private SyslogMessage message(long receivedMillis) {
    if (end == start) {
      throw new Bad("syslog: empty message");
    }
    int pri = pri();
    int v = pos;
    while (v < end && v - pos <= 3 && digit(b[v])) {
      v++;
    }
    if (v > pos && v - pos <= 3 && v < end && b[v] == ' ') {
      return rfc5424(pri, v);
    }
    return rfc3164(pri, receivedMillis);
  }

  private int pri() {
    if (b[pos] != '<') {
      throw fail(pos, "missing PRI", "expected '<', got " + describeAt(pos));
    }
    pos++;
    int from = pos;
    int value = 0;
    while (pos < end && pos - from < 3 && digit(b[pos])) {
      value = value * 10 + (b[pos] - '0');
      pos++;
    }
    if (pos == from) {
      throw fail(from, "bad PRI", "expected a number from 0 to 191, got " + describeAt(pos));
    }
    if (pos >= end || b[pos] != '>') {
      throw fail(pos, "bad PRI", "expected '>' after at most 3 digits, got " + describeAt(pos));
    }
    if (pos - from > 1 && b[from] == '0') {
      throw fail(from, "bad PRI", "leading zero in " + ascii(from, pos));
    }
    if (value > SyslogPriority.MAX_PRI) {
      throw fail(from, "bad PRI", value + " is above 191 (facility 23, severity 7)");
    }
    pos++;
    return value;
  }

  // ---- RFC 5424 ----

  private SyslogMessage rfc5424(int pri, int versionEnd) {
    format = "RFC 5424";
    if (versionEnd - pos != 1 || b[pos] != '1') {
      throw fail(pos, "unsupported VERSION", ascii(pos, versionEnd) + ", only 1 is defined");
    }
    pos = versionEnd + 1;
    Instant timestamp;
    if (pos < end && b[pos] == '-' && (pos + 1 == end || b[pos + 1] == ' ')) {
      pos++;
      timestamp = null;
    } else if (pos >= end) {
      throw fail(pos, "missing TIMESTAMP", "the message ends after VERSION");
    } else {
      timestamp = rfc3339();
    }
    separator("TIMESTAMP", "HOSTNAME");
    String host = header("HOSTNAME", 255);
    separator("HOSTNAME", "APP-NAME");
    String app = header("APP-NAME", 48);
    separator("APP-NAME", "PROCID");
    String procid = header("PROCID", 128);
    separator("PROCID", "MSGID");
    String msgid = header("MSGID", 32);
    separator("MSGID", "STRUCTURED-DATA");
    Map<String, Map<String, List<String>>> sd = structuredData();
    String msg = null;
    if (pos < end) {
      if (b[pos] != ' ') {
        throw fail(
            pos,
            "bad STRUCTURED-DATA",
            "expected SP or the end of the message after it, got " + describeAt(pos));
      }
      pos++;
      msg = msg();
    }
    return new SyslogMessage(
        SyslogMessage.RFC5424, pri >> 3, pri & 7, timestamp, host, app, procid, msgid, sd, msg);
  }

  /** Expects the SP between two header fields. */
  private void separator(String before, String next) {
    if (pos >= end) {
      throw fail(pos, "missing " + next, "the message ends after " + before);
    }
    if (b[pos] != ' ') {
      throw fail(pos, "bad " + before, "expected SP after it, got " + describeAt(pos));
    }
    pos++;
  }

  private String header(String field, int max) {
    int from = pos;
    while (pos < end && b[pos] != ' ') {
      int c = b[pos] & 0xFF;
      if (c < 33 || c > 126) {
        throw fail(pos, "bad " + field, describe(c) + " is not printable US-ASCII");
      }
      pos++;
    }
    int n = pos - from;
    if (n == 0) {
      throw fail(from, "missing " + field, "expected a value or '-', got " + describeAt(pos));
    }
    if (n > max) {
      throw fail(from, "bad " + field, n + " characters, at most " + max + " allowed");
    }
    if (n == 1 && b[from] == '-') {
      return null;
    }
    return new String(b, from, n, ISO_8859_1);
  }

  private Map<String, Map<String, List<String>>> structuredData() {
    if (pos >= end) {
      throw fail(pos, "missing STRUCTURED-DATA", "the message ends after MSGID");
    }
    if (b[pos] == '-') {
      pos++;
      return null;
    }
    if (b[pos] != '[') {
      throw fail(pos, "bad STRUCTURED-DATA", "expected '[' or '-', got " + describeAt(pos));
    }
    Map<String, Map<String, List<String>>> sd = new LinkedHashMap<>();
    while (pos < end && b[pos] == '[') {
      pos++;
      int idAt = pos;
      String id = sdName("SD-ID");
      if (sd.containsKey(id)) {
        throw fail(idAt, "bad STRUCTURED-DATA", "SD-ID \"" + id + "\" appears twice");
      }
      Map<String, List<String>> params = new LinkedHashMap<>();
      while (true) {
        if (pos >= end) {
          throw fail(
              pos, "bad STRUCTURED-DATA", "the message ends inside SD-ELEMENT \"" + id + "\"");
        }
        if (b[pos] == ']') {
          pos++;
          break;
        }
        if (b[pos] != ' ') {
          throw fail(
              pos,
              "bad STRUCTURED-DATA",
              "expected SP or ']' in SD-ELEMENT \"" + id + "\", got " + describeAt(pos));
        }
        pos++;
        String name = sdName("PARAM-NAME");
        if (pos >= end || b[pos] != '=') {
          throw fail(
              pos,
              "bad STRUCTURED-DATA",
              "expected '=' after PARAM-NAME \"" + name + "\", got " + describeAt(pos));
        }
        pos++;
        if (pos >= end || b[pos] != '"') {
          throw fail(
              pos,
              "bad STRUCTURED-DATA",
              "expected '\"' to open the value of \"" + name + "\", got " + describeAt(pos));
        }
        pos++;
        String value = paramValue(name);
        params.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
      }
      sd.put(id, params);
    }
    return sd;
  }

  private String sdName(String what) {
    int from = pos;
    while (pos < end) {
      int c = b[pos] & 0xFF;
      if (c == '=' || c == ' ' || c == ']' || c == '"') {
        break;
      }
      if (c < 33 || c > 126) {
        throw fail(pos, "bad STRUCTURED-DATA", what + " contains " + describe(c));
      }
      pos++;
    }
    int n = pos - from;
    if (n == 0) {
      throw fail(from, "bad STRUCTURED-DATA", "expected " + what + ", got " + describeAt(pos));
    }
    if (n > 32) {
      throw fail(from, "bad STRUCTURED-DATA", what + " of " + n + " characters, at most 32");
    }
    return new String(b, from, n, ISO_8859_1);
  }

  private String paramValue(String name) {
    int from = pos;
    boolean escapes = false;
    while (pos < end && b[pos] != '"') {
      if (b[pos] == '\\') {
        escapes = true;
        pos++; // whatever follows cannot close the value
      }
      pos++;
    }
    if (pos >= end) {
      throw fail(
          from - 1, "bad STRUCTURED-DATA", "the value of \"" + name + "\" is not closed by '\"'");
    }
    int to = pos;
    pos++;
    int bad = Utf8.firstInvalid(b, from, to);
    if (bad >= 0) {
      throw fail(
          bad, "bad STRUCTURED-DATA", "the value of \"" + name + "\" is not UTF-8 " + bytesAt(bad));
    }
    if (!escapes) {
      return new String(b, from, to - from, UTF_8);
    }
    // RFC 5424 6.3.3: only \" \\ \] are escapes; a backslash before anything else is itself.
    ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c == '\\' && i + 1 < to && (b[i + 1] == '"' || b[i + 1] == '\\' || b[i + 1] == ']')) {
        c = b[++i];
      }
      out.write(c);
    }
    return out.toString(UTF_8);
  }

  private String msg() {
    boolean bom =
        end - pos >= 3
            && b[pos] == (byte) 0xEF
            && b[pos + 1] == (byte) 0xBB
            && b[pos + 2] == (byte) 0xBF;
    if (bom) {
      pos += 3;
    }
    return text("MSG");
  }

  // ---- RFC 3164 ----

  private SyslogMessage rfc3164(int pri, long receivedMillis) {
    format = "RFC 3164";
    Instant timestamp = null;
    int month = month(pos);
    if (month > 0) {
      timestamp = bsdTimestamp(month, receivedMillis);
    } else if (digits(pos, 4) && pos + 4 < end && b[pos + 4] == '-') {
      timestamp = rfc3339();
    }
    String host = null;
    if (timestamp != null && pos < end) {
      if (b[pos] != ' ') {
        throw fail(pos, "bad TIMESTAMP", "expected SP after it, got " + describeAt(pos));
      }
      pos++;
      int word = pos;
      while (word < end && b[word] != ' ') {
        word++;
      }
      if (tag(pos) != word && printable(pos, word)) {
        host = new String(b, pos, word - pos, ISO_8859_1);
        pos = word < end ? word + 1 : word;
      }
    }
    String app = null;
    String procid = null;
    int afterTag = tag(pos);
    if (afterTag >= 0) {
      app = new String(b, pos, tagNameEnd - pos, ISO_8859_1);
      if (pidStart >= 0) {
        procid = new String(b, pidStart, pidEnd - pidStart, ISO_8859_1);
      }
      pos = afterTag < end && b[afterTag] == ' ' ? afterTag + 1 : afterTag;
    }
    String content = text("CONTENT");
    return new SyslogMessage(
        SyslogMessage.RFC3164,
        pri >> 3,
        pri & 7,
        timestamp,
        host,
        app,
        procid,
        null,
        null,
        content);
  }

  /** 1 to 12 when {@code Mmm } starts at {@code p}, else 0. */
  private int month(int p) {
    if (end - p < 4 || b[p + 3] != ' ') {
      return 0;
    }
    for (int m = 0; m < 12; m++) {
      String name = MONTHS[m];
      if (b[p] == name.charAt(0) && b[p + 1] == name.charAt(1) && b[p + 2] == name.charAt(2)) {
        return m + 1;
      }
    }
    return 0;
  }

  private Instant bsdTimestamp(int month, long receivedMillis) {
    pos += 4;
    if (pos < end && b[pos] == ' ') {
      pos++; // space-padded day
    }
    int dayAt = pos;
    int day = number(1, 2, "day");
    expect(' ', "after the day");
    int year = 0;
    if (digits(pos, 4) && pos + 4 < end && b[pos + 4] == ' ') {
      year = number(4, 4, "year");
      pos++;
    }
    int timeAt = pos;
    int hour = number(2, 2, "hour");
    expect(':', "after the hour");
    int minute = number(2, 2, "minute");
    expect(':', "after the minute");
    int second = number(2, 2, "second");
    int nanos = fraction(9);
    if (day < 1 || day > 31) {
      throw fail(dayAt, "bad TIMESTAMP", "day " + day + " is out of range");
    }
    if (hour > 23 || minute > 59 || second > 59) {
      throw fail(timeAt, "bad TIMESTAMP", "time " + ascii(timeAt, timeAt + 8) + " is out of range");
    }
    if (year != 0) {
      Instant t = local(year, month, day, hour, minute, second, nanos);
      if (t == null) {
        throw fail(
            dayAt, "bad TIMESTAMP", "there is no " + MONTHS[month - 1] + " " + day + " in " + year);
      }
      return t;
    }
    long now = Math.floorDiv(receivedMillis, 1000);
    int y = ZonedDateTime.ofInstant(Instant.ofEpochSecond(now), localZone).getYear();
    Instant t = local(y, month, day, hour, minute, second, nanos);
    if (t != null && t.getEpochSecond() > now + AHEAD_SECONDS) {
      t = local(--y, month, day, hour, minute, second, nanos);
    } else if (t != null && t.getEpochSecond() < now - BEHIND_SECONDS) {
      t = local(++y, month, day, hour, minute, second, nanos);
    }
    if (t == null) {
      throw fail(
          dayAt, "bad TIMESTAMP", "there is no " + MONTHS[month - 1] + " " + day + " in " + y);
    }
    return t;
  }

  private Instant local(int year, int month, int day, int hour, int minute, int second, int nanos) {
    if (day > Month.of(month).length(Year.isLeap(year))) {
      return null;
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second, nanos)
          .atZone(localZone)
          .toInstant();
    } catch (DateTimeException e) {
      return null;
    }
  }

  // TAG match results, valid after tag() returned >= 0
  private int tagNameEnd;
  private int pidStart;
  private int pidEnd;

  /**
   * Matches {@code name:} or {@code name[pid]:} at {@code p}, ending at SP or the end of the
   * message after the colon. Returns the index after the colon, or -1.
   */
  private int tag(int p) {
    int i = p;
    while (i < end && i - p <= MAX_TAG) {
      int c = b[i] & 0xFF;
      if (c == ':' || c == '[' || c < 33 || c > 126) {
        break;
      }
      i++;
    }
    if (i == p || i - p > MAX_TAG || i >= end) {
      return -1;
    }
    tagNameEnd = i;
    pidStart = -1;
    if (b[i] == '[') {
      int from = ++i;
      while (i < end && i - from <= MAX_PID && b[i] != ']') {
        int c = b[i] & 0xFF;
        if (c < 33 || c > 126) {
          return -1;
        }
        i++;
      }
      if (i == from || i >= end || i - from > MAX_PID) {
        return -1;
      }
      pidStart = from;
      pidEnd = i;
      i++;
    }
    if (i >= end || b[i] != ':') {
      return -1;
    }
    i++;
    return i == end || b[i] == ' ' ? i : -1;
  }

  // ---- shared ----

  /** RFC 3339 as RFC 5424 restricts it: {@code 2003-10-11T22:14:15.003-07:00}. */
  private Instant rfc3339() {
    int yearAt = pos;
    int year = number(4, 4, "year");
    expect('-', "after the year");
    int monthAt = pos;
    int month = number(2, 2, "month");
    expect('-', "after the month");
    int dayAt = pos;
    int day = number(2, 2, "day");
    expect('T', "between date and time");
    int hourAt = pos;
    int hour = number(2, 2, "hour");
    expect(':', "after the hour");
    int minuteAt = pos;
    int minute = number(2, 2, "minute");
    expect(':', "after the minute");
    int secondAt = pos;
    int second = number(2, 2, "second");
    int nanos = fraction(6); // RFC 5424 6.2.3.1: TIME-SECFRAC is at most 6 digits
    int offsetAt = pos;
    int offsetSeconds;
    if (pos < end && b[pos] == 'Z') {
      pos++;
      offsetSeconds = 0;
    } else if (pos < end && (b[pos] == '+' || b[pos] == '-')) {
      int sign = b[pos] == '-' ? -1 : 1;
      pos++;
      int oh = number(2, 2, "offset hour");
      expect(':', "in the offset");
      int om = number(2, 2, "offset minute");
      if (oh > 23 || om > 59) {
        throw fail(
            offsetAt, "bad TIMESTAMP", "offset " + ascii(offsetAt, pos) + " is out of range");
      }
      offsetSeconds = sign * (oh * 3600 + om * 60);
    } else {
      throw fail(
          pos, "bad TIMESTAMP", "expected 'Z', '+' or '-' (the offset), got " + describeAt(pos));
    }
    if (month < 1 || month > 12) {
      throw fail(monthAt, "bad TIMESTAMP", "month " + month + " is out of range");
    }
    if (day < 1 || day > Month.of(month).length(Year.isLeap(year))) {
      throw fail(
          dayAt, "bad TIMESTAMP", "there is no day " + day + " in " + ascii(yearAt, monthAt + 2));
    }
    if (hour > 23) {
      throw fail(hourAt, "bad TIMESTAMP", "hour " + hour + " is out of range");
    }
    if (minute > 59) {
      throw fail(minuteAt, "bad TIMESTAMP", "minute " + minute + " is out of range");
    }
    if (second > 59) {
      throw fail(secondAt, "bad TIMESTAMP", "second " + second + " is out of range");
    }
    long epochSecond =
        LocalDate.of(year, month, day).toEpochDay() * 86_400L
            + hour * 3600L
            + minute * 60L
            + second
            - offsetSeconds;
    return Instant.ofEpochSecond(epochSecond, nanos);
  }

  /** Optional {@code .d...}: 1 to {@code maxDigits} digits, as nanoseconds. */
  private int fraction(int maxDigits) {
    if (pos >= end || b[pos] != '.') {
      return 0;
    }
    pos++;
    int from = pos;
    int nanos = 0;
    while (pos < end && digit(b[pos])) {
      if (pos - from == maxDigits) {
        throw fail(from, "bad TIMESTAMP", "more than " + maxDigits + " fraction digits");
      }
      nanos = nanos * 10 + (b[pos] - '0');
      pos++;
    }
    int n = pos - from;
    if (n == 0) {
      throw fail(pos, "bad TIMESTAMP", "expected a digit after '.', got " + describeAt(pos));
    }
    for (int i = n; i < 9; i++) {
      nanos *= 10;
    }
    return nanos;
  }

  private int number(int min, int max, String what) {
    int from = pos;
    int value = 0;
    while (pos < end && pos - from < max && digit(b[pos])) {
      value = value * 10 + (b[pos] - '0');
      pos++;
    }
    if (pos - from < min) {
      throw fail(
          pos,
          "bad TIMESTAMP",
          "expected " + (min == max ? min + "-digit " : "") + what + ", got " + describeAt(pos));
    }
    return value;
  }

  private void expect(char c, String where) {
    if (pos >= end || b[pos] != c) {
      throw fail(
          pos, "bad TIMESTAMP", "expected '" + c + "' " + where + ", got " + describeAt(pos));
    }
    pos++;
  }

  /** The rest of the message as UTF-8 text, {@code null} when empty. */
  private String text(String field) {
    if (pos >= end) {
      return null;
    }
    int bad = Utf8.firstInvalid(b, pos, end);
    if (bad >= 0) {
      throw fail(bad, "bad " + field, "not UTF-8 " + bytesAt(bad));
    }
    return new String(b, pos, end - pos, UTF_8);
  }

  private boolean printable(int from, int to) {
    if (from == to) {
      return false;
    }
    for (int i = from; i < to; i++) {
      int c = b[i] & 0xFF;
      if (c < 33 || c > 126) {
        return false;
      }
    }
    return true;
  }

  private boolean digits(int p, int n) {
    if (end - p < n) {
      return false;
    }
    for (int i = p; i < p + n; i++) {
      if (!digit(b[i])) {
        return false;
      }
    }
    return true;
  }

  private static boolean digit(byte c) {
    return c >= '0' && c <= '9';
  }

  private String ascii(int from, int to) {
    StringBuilder s = new StringBuilder();
    for (int i = from; i < Math.min(to, end); i++) {
      int c = b[i] & 0xFF;
      s.append(c >= 32 && c < 127 ? String.valueOf((char) c) : String.format("\\x%02X", c));
    }
    return "'" + s + "'";
  }

  private String describeAt(int p) {
    return p >= end ? "the end of the message" : describe(b[p] & 0xFF);
  }

  private static String describe(int c) {
    if (c == ' ') {
      return "SP";
    }
    return c > 32 && c < 127 ? "'" + (char) c + "'" : String.format("byte 0x%02X", c);
  }

  /** The bytes of a malformed UTF-8 sequence, for the reason. */
  private String bytesAt(int p) {
    StringBuilder s = new StringBuilder("(");
    for (int i = p; i < Math.min(p + 4, end); i++) {
      s.append(i == p ? "" : " ").append(String.format("0x%02X", b[i] & 0xFF));
    }
    return s.append(')').toString();
  }

  private Bad fail(int at, String what, String detail) {
    return new Bad(format + ": " + what + " at byte " + (at - start) + ": " + detail);
  }

  /** Ends a parse; carries no stack trace because bad input is normal, not exceptional. */
  private static final class Bad extends RuntimeException {
    Bad(String message) {
      super(message, null, false, false);
    }
  }
}
