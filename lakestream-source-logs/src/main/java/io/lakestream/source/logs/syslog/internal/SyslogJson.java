package io.lakestream.source.logs.syslog.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link SyslogMessage} as the event JSON of the {@code syslog} source (UTF-8).
 *
 * <p>Fields the message does not carry are left out rather than written as {@code null}, so a JSON
 * Schema can tell "absent" with {@code required}. Not thread-safe: it reuses one output buffer.
 */
public final class SyslogJson {

  private static final JsonFactory JSON = new JsonFactory();

  private final ByteArrayBuilder out = new ByteArrayBuilder(1024);

  /**
   * The JSON object for {@code m}.
   *
   * @param timestamp ISO-8601 UTC text of the message's time, or of the receive time when it has
   *     none
   */
  public byte[] write(SyslogMessage m, String timestamp) {
    out.reset();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("timestamp", timestamp);
      optional(g, "host", m.host());
      optional(g, "app", m.app());
      optional(g, "procid", m.procid());
      optional(g, "msgid", m.msgid());
      g.writeStringField("severity", SyslogPriority.severity(m.severity()));
      g.writeNumberField("severity_code", m.severity());
      g.writeStringField("facility", SyslogPriority.facility(m.facility()));
      g.writeNumberField("facility_code", m.facility());
      if (m.structuredData() != null) {
        g.writeObjectFieldStart("structured_data");
        for (Map.Entry<String, Map<String, List<String>>> e : m.structuredData().entrySet()) {
          g.writeObjectFieldStart(e.getKey());
          for (Map.Entry<String, List<String>> p : e.getValue().entrySet()) {
            List<String> values = p.getValue();
            if (values.size() == 1) {
              g.writeStringField(p.getKey(), values.get(0));
            } else {
              // a PARAM-NAME repeated inside one element keeps every value, in order
              g.writeArrayFieldStart(p.getKey());
              for (String v : values) {
                g.writeString(v);
              }
              g.writeEndArray();
            }
          }
          g.writeEndObject();
        }
        g.writeEndObject();
      }
      optional(g, "message", m.message());
      g.writeStringField("format", m.format());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writes to memory: cannot happen
    }
    return out.toByteArray();
  }

  private static void optional(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }
}
