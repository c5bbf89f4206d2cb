package io.lakestream.source.logs.syslog.internal;

/**
 * Names of syslog severities and facilities, as {@code syslog.h} and {@code logger -p} spell them.
 *
 * <p>Facilities 12 to 15 have no name in glibc; the names used here are the common keywords (NTP
 * subsystem, log audit, log alert, scheduling daemon).
 */
public final class SyslogPriority {

  private static final String[] SEVERITIES = {
    "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"
  };

  private static final String[] FACILITIES = {
    "kern",
    "user",
    "mail",
    "daemon",
    "auth",
    "syslog",
    "lpr",
    "news",
    "uucp",
    "cron",
    "authpriv",
    "ftp",
    "ntp",
    "security",
    "console",
    "solaris-cron",
    "local0",
    "local1",
    "local2",
    "local3",
    "local4",
    "local5",
    "local6",
    "local7"
  };

  /** Largest PRI value: facility 23, severity 7. */
  public static final int MAX_PRI = 191;

  private SyslogPriority() {}

  /** The name of severity {@code code} (0 to 7). */
  public static String severity(int code) {
    return SEVERITIES[code];
  }

  /** The name of facility {@code code} (0 to 23). */
  public static String facility(int code) {
    return FACILITIES[code];
  }
}
