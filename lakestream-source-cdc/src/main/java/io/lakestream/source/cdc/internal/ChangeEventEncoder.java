package io.lakestream.source.cdc.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.lakestream.api.ingest.EventIds;
import io.lakestream.api.ingest.RawRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The encoder from Debezium change records to {@code postgres_cdc} raw records: the event JSON
 * (documented on {@code PostgresCdcSource}), its id and its Kafka key.
 *
 * <p>Ids are deterministic so that what the engine delivers again after a crash carries the same id
 * as the first copy and the job's dedup removes it:
 *
 * <ul>
 *   <li>streamed change: {@code <lsn>:<schema.table>:<key>}. Every row change has its own WAL
 *       record, so the LSN alone separates two changes of one row, even within one transaction; a
 *       primary-key update arrives as a delete of the old key and a create of the new one, told
 *       apart by the key.
 *   <li>snapshot read: {@code snapshot:<schema.table>:<key>:<hash>}, the hash being the first 16
 *       hex digits of the SHA-256 of the {@code after} JSON. All rows of a snapshot share one LSN,
 *       and a snapshot that is interrupted is taken again at a later LSN; the row content is what
 *       stays the same, so an unchanged row re-read by a repeated snapshot gets the same id, and a
 *       row that changed in between gets a new one.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class ChangeEventEncoder {

  private final String originPrefix;

  /**
   * @param originPrefix start of each record's origin, e.g. {@code postgres_cdc
   *     127.0.0.1:5432/shop}
   */
  public ChangeEventEncoder(String originPrefix) {
    this.originPrefix = originPrefix;
  }

  /**
   * The raw record for one change, or {@code null} for records that carry no row change and are
   * only committed: heartbeats, tombstones, logical decoding messages and truncates.
   *
   * @throws RuntimeException when a value cannot be written (the caller keeps the record for the
   *     error zone)
   */
  public RawRecord encode(SourceRecord record) {
    if (!(record.value() instanceof Struct value) || value.schema().field("op") == null) {
      return null;
    }
    String op = value.getString("op");
    if (!("c".equals(op) || "u".equals(op) || "d".equals(op) || "r".equals(op))) {
      return null;
    }
    Struct source = value.getStruct("source");
    String table = string(source, "schema") + "." + string(source, "table");
    Long lsn = int64(source, "lsn");
    Long txId = int64(source, "txId");
    String snapshotFlag = string(source, "snapshot");
    boolean snapshot = snapshotFlag != null && !"false".equals(snapshotFlag);
    Struct before = value.getStruct("before");
    Struct after = value.getStruct("after");

    Struct key = record.key() instanceof Struct k ? k : null;
    String keyText =
        key != null ? keyText(key) : ConnectJson.text(null, after != null ? after : before);

    String id;
    boolean idGenerated = false;
    if (snapshot) {
      id = "snapshot:" + table + ":" + keyText + ":" + contentHash(after);
    } else if (lsn != null) {
      id = lsn + ":" + table + ":" + keyText;
    } else {
      // never seen from the connector; an id that cannot repeat is still better than none
      id = EventIds.next();
      idGenerated = true;
    }

    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = ConnectJson.JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("id", id);
      g.writeStringField("op", op);
      g.writeStringField("table", table);
      g.writeFieldName("key");
      if (key != null) {
        ConnectJson.writeStruct(g, key);
      } else {
        g.writeNull();
      }
      g.writeFieldName("before");
      ConnectJson.writeStruct(g, before);
      g.writeFieldName("after");
      ConnectJson.writeStruct(g, after);
      writeNumberOrNull(g, "lsn", lsn);
      writeNumberOrNull(g, "tx_id", txId);
      Instant time = time(source);
      if (time != null) {
        g.writeStringField("commit_time", time.toString());
      } else {
        g.writeNullField("commit_time");
      }
      g.writeBooleanField("snapshot", snapshot);
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write change event: " + e.getMessage(), e);
    }
    String origin = originPrefix + " " + table + (lsn != null ? " lsn " + lsn : "");
    return RawRecord.event(
        id, idGenerated, keyText.getBytes(StandardCharsets.UTF_8), out.toByteArray(), origin);
  }

  /** Where a record that could not be encoded came from, for the error zone. */
  public String describe(SourceRecord record) {
    if (record.value() instanceof Struct value && value.schema().field("source") != null) {
      Struct source = value.getStruct("source");
      return originPrefix
          + " "
          + string(source, "schema")
          + "."
          + string(source, "table")
          + " lsn "
          + int64(source, "lsn");
    }
    return originPrefix + " " + record.topic();
  }

  /**
   * The Kafka key: the value of a single-column primary key as text, or a composite key as compact
   * JSON ({@code {"order_id":7,"line":2}}).
   */
  static String keyText(Struct key) {
    List<Field> fields = key.schema().fields();
    if (fields.size() == 1) {
      Field f = fields.get(0);
      return ConnectJson.scalarText(f.schema(), key.get(f));
    }
    return ConnectJson.text(key.schema(), key);
  }

  private static String contentHash(Struct row) {
    byte[] json = ConnectJson.text(null, row).getBytes(StandardCharsets.UTF_8);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /**
   * The transaction's commit time for streamed changes; for snapshot reads, when the row was read
   * (the commit time of a row's last change is not known to a snapshot).
   */
  private static Instant time(Struct source) {
    Long micros = int64(source, "ts_us");
    if (micros != null) {
      return Instant.ofEpochSecond(
          Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
    Long millis = int64(source, "ts_ms");
    return millis == null ? null : Instant.ofEpochMilli(millis);
  }

  private static void writeNumberOrNull(JsonGenerator g, String name, Long value)
      throws IOException {
    if (value == null) {
      g.writeNullField(name);
    } else {
      g.writeNumberField(name, value);
    }
  }

  private static String string(Struct s, String field) {
    return s != null && s.schema().field(field) != null ? s.getString(field) : null;
  }

  private static Long int64(Struct s, String field) {
    if (s == null) {
      return null;
    }
    Field f = s.schema().field(field);
    if (f == null) {
      return null;
    }
    Object v = s.get(f);
    return v instanceof Number n ? n.longValue() : null;
  }
}
