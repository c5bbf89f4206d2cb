package io.lakestream.gateway.http.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.SourceConfig;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Renders the gateway's JSON answers with a streaming generator, so that escaping is always right
 * and no object mapper or intermediate tree is needed.
 */
public final class JsonBodies {

  private JsonBodies() {}

  @FunctionalInterface
  private interface Writer {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] render(int sizeHint, Writer writer) {
    try (ByteArrayBuilder out = new ByteArrayBuilder(sizeHint);
        JsonGenerator g = BatchParser.JSON.createGenerator(out)) {
      writer.write(g);
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code {"accepted":N,"quarantined":M,"ids":[...],"quarantined_lines":[{"line":L,"column":C,
   * "id":"...","message":"..."}]}}; {@code ids} lists the accepted events' ids in body order.
   */
  public static byte[] accepted(EventBatch batch) {
    return render(
        64 + batch.size() * 40,
        g -> {
          g.writeStartObject();
          g.writeNumberField("accepted", batch.accepted());
          g.writeNumberField("quarantined", batch.quarantined());
          g.writeArrayFieldStart("ids");
          for (int i = 0; i < batch.size(); i++) {
            if (batch.error(i) == null) {
              g.writeString(batch.id(i));
            }
          }
          g.writeEndArray();
          g.writeArrayFieldStart("quarantined_lines");
          if (batch.quarantined() > 0) {
            for (int i = 0; i < batch.size(); i++) {
              if (batch.error(i) != null) {
                g.writeStartObject();
                g.writeNumberField("line", batch.position(i));
                g.writeNumberField("column", batch.errorColumn(i));
                g.writeStringField("id", batch.id(i));
                g.writeStringField("message", batch.error(i));
                g.writeEndObject();
              }
            }
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  /**
   * {@code {"error":"code","message":"..."}} plus {@code line}/{@code column}, {@code index} or
   * {@code max_bytes} when the refusal has them.
   */
  public static byte[] error(RequestRejected r) {
    return render(
        128,
        g -> {
          g.writeStartObject();
          g.writeStringField("error", r.code());
          g.writeStringField("message", r.getMessage());
          if (r.line() > 0) {
            g.writeNumberField("line", r.line());
            g.writeNumberField("column", r.column());
          }
          if (r.index() >= 0) {
            g.writeNumberField("index", r.index());
          }
          if (r.maxBytes() >= 0) {
            g.writeNumberField("max_bytes", r.maxBytes());
          }
          g.writeEndObject();
        });
  }

  /** {@code {"status":"ok","pipeline":"..."}}. */
  public static byte[] health(String pipeline) {
    return render(
        64,
        g -> {
          g.writeStartObject();
          g.writeStringField("status", "ok");
          g.writeStringField("pipeline", pipeline);
          g.writeEndObject();
        });
  }

  /**
   * {@code {"pipeline":"p","sources":[{"name":"a","type":"http","key_field":"k",
   * "event_time_field":"ts","event_time_format":"iso8601","events_path":"/v1/sources/a/events"}]}};
   * sources that do not take events over HTTP (syslog, mqtt, ...) have no {@code events_path}.
   */
  public static byte[] sources(PipelineConfig cfg) {
    return render(
        256,
        g -> {
          g.writeStartObject();
          g.writeStringField("pipeline", cfg.name());
          g.writeArrayFieldStart("sources");
          for (SourceConfig s : cfg.sources().values()) {
            g.writeStartObject();
            g.writeStringField("name", s.name());
            g.writeStringField("type", s.type());
            g.writeStringField("key_field", s.keyField());
            g.writeStringField("event_time_field", s.eventTime().field());
            g.writeStringField("event_time_format", s.eventTime().format().yamlName());
            if (s.viaHttp()) {
              g.writeStringField("events_path", "/v1/sources/" + s.name() + "/events");
            }
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }
}
