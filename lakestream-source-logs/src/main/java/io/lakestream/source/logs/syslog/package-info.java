/** The {@code syslog} source: RFC 5424 and RFC 3164 over TCP and UDP. */
package io.lakestream.source.logs.syslog;
