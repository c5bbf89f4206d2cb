package io.lakestream.source.logs.syslog.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.lakestream.api.ingest.EventIds;
import io.lakestream.api.ingest.RawRecord;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;

/**
 * Turns syslog messages into raw records: parsed ones into the event JSON with the source's key,
 * the rest into undecodable records that keep the original bytes and say why.
 *
 * <p>Ids are generated: syslog messages carry none and are never retransmitted with one. Not
 * thread-safe: one instance per connection or listener.
 */
public final class SyslogRecords {

  /** The top-level scalar fields of the event JSON a source's {@code key} can name. */
  private enum KeyField {
    TIMESTAMP,
    HOST,
    APP,
    PROCID,
    MSGID,
    SEVERITY,
    SEVERITY_CODE,
    FACILITY,
    FACILITY_CODE,
    MESSAGE,
    FORMAT,
    NONE;

    static KeyField of(String name) {
      for (KeyField k : values()) {
        if (k != NONE && k.name().toLowerCase(Locale.ROOT).equals(name)) {
          return k;
        }
      }
      return NONE; // e.g. structured_data (an object) or a field syslog never has
    }
  }

  private final KeyField keyField;
  private final int maxMessageBytes;
  private final SyslogParser parser;
  private final SyslogJson json = new SyslogJson();
  private long receivedMillis = Long.MIN_VALUE;
  private String receivedIso;

  /**
   * @param keyField the source's key field; its value in the event JSON becomes the Kafka key
   * @param maxMessageBytes for the reason of oversized messages
   * @param localZone the zone RFC 3164 timestamps are read in
   */
  public SyslogRecords(String keyField, int maxMessageBytes, ZoneId localZone) {
    this.keyField = KeyField.of(keyField);
    this.maxMessageBytes = maxMessageBytes;
    this.parser = new SyslogParser(localZone);
  }

  /** One complete message. */
  public RawRecord message(byte[] b, int off, int len, long receivedMillis, String origin) {
    SyslogParser.Result r = parser.parse(b, off, len, receivedMillis);
    if (r.error() != null) {
      return RawRecord.undecodable(EventIds.next(), copy(b, off, len), origin, r.error());
    }
    SyslogMessage m = r.message();
    Instant t = m.timestamp();
    String timestamp =
        t == null ? receivedIso(receivedMillis) : SyslogTime.iso(t.getEpochSecond(), t.getNano());
    byte[] value = json.write(m, timestamp);
    String key = key(m, timestamp);
    return RawRecord.event(
        EventIds.next(), true, key == null ? null : key.getBytes(UTF_8), value, origin);
  }

  /** The first {@code len} bytes of a message of {@code size} bytes, too long to keep. */
  public RawRecord oversized(byte[] b, int off, int len, long size, String origin) {
    return RawRecord.undecodable(
        EventIds.next(),
        copy(b, off, len),
        origin,
        "message of " + size + " bytes exceeds max_message_size " + maxMessageBytes);
  }

  /** The {@code len} bytes that arrived of an octet-counted message of {@code size} bytes. */
  public RawRecord truncated(byte[] b, int off, int len, long size, String origin) {
    return RawRecord.undecodable(
        EventIds.next(),
        copy(b, off, len),
        origin,
        "connection closed after "
            + len
            + " of the "
            + size
            + " bytes announced by the octet count (RFC 6587)");
  }

  private String key(SyslogMessage m, String timestamp) {
    return switch (keyField) {
      case TIMESTAMP -> timestamp;
      case HOST -> m.host();
      case APP -> m.app();
      case PROCID -> m.procid();
      case MSGID -> m.msgid();
      case SEVERITY -> SyslogPriority.severity(m.severity());
      case SEVERITY_CODE -> Integer.toString(m.severity());
      case FACILITY -> SyslogPriority.facility(m.facility());
      case FACILITY_CODE -> Integer.toString(m.facility());
      case MESSAGE -> m.message();
      case FORMAT -> m.format();
      case NONE -> null;
    };
  }

  private String receivedIso(long millis) {
    if (millis != receivedMillis) {
      receivedMillis = millis;
      receivedIso = SyslogTime.isoMillis(millis);
    }
    return receivedIso;
  }

  private static byte[] copy(byte[] b, int off, int len) {
    byte[] c = new byte[len];
    System.arraycopy(b, off, c, 0, len);
    return c;
  }
}
