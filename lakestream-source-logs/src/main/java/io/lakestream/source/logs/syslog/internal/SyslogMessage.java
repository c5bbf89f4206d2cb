package io.lakestream.source.logs.syslog.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One parsed syslog message. Fields the message does not carry (absent, or the NILVALUE {@code -})
 * are {@code null}; nothing is filled in.
 *
 * @param format {@link #RFC5424} or {@link #RFC3164}
 * @param facility 0 to 23
 * @param severity 0 to 7
 * @param timestamp the message's own time, or {@code null} when it has none
 * @param host HOSTNAME
 * @param app APP-NAME (RFC 5424) or the TAG's name (RFC 3164)
 * @param procid PROCID (RFC 5424) or the number in {@code TAG[pid]:} (RFC 3164)
 * @param msgid MSGID (RFC 5424 only)
 * @param structuredData SD-ID to PARAM-NAME to the values, in message order (a PARAM-NAME may
 *     repeat inside one element); {@code null} when there is none
 * @param message MSG or CONTENT, {@code null} when empty
 */
public record SyslogMessage(
    String format,
    int facility,
    int severity,
    Instant timestamp,
    String host,
    String app,
    String procid,
    String msgid,
    Map<String, Map<String, List<String>>> structuredData,
    String message) {

  public static final String RFC5424 = "rfc5424";
  public static final String RFC3164 = "rfc3164";
}
