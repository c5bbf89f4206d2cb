/**
 * The syslog source's machinery: message parser, TCP framing, JSON output and the listeners. Not an
 * API: only {@link io.lakestream.source.logs.syslog.SyslogSource} is.
 */
package io.lakestream.source.logs.syslog.internal;
