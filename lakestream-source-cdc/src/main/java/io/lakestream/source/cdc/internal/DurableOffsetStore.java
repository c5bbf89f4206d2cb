package io.lakestream.source.cdc.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;

/**
 * The engine's offset store: Kafka Connect's in-memory store, saved to one file after every flush,
 * crash-safe.
 *
 * <p>Connect's {@code FileOffsetBackingStore} rewrites its file in place without syncing it: a
 * crash in the middle leaves a truncated file the engine cannot read, and a power loss can lose
 * offsets the connector has already confirmed to PostgreSQL (the replication slot would then be
 * ahead of the file, and the changes in between would never be read again). This store writes a
 * temporary file, forces it to disk, renames it over the old one and syncs the folder, so the file
 * always holds either the previous or the new offsets, and holds the new ones before the engine
 * tells the connector (and the connector tells the slot) that they are committed.
 *
 * <p>The file is JSON: {@code {"version":1,"offsets":[{"key":"<base64>","value":"<base64>"}]}},
 * keys and values being the bytes the engine's converter produced. Configured with {@code
 * offset.storage.file.filename}; instantiated by the engine by class name.
 */
public final class DurableOffsetStore extends MemoryOffsetBackingStore {

  /** The engine setting naming the file. */
  public static final String FILE_SETTING = "offset.storage.file.filename";

  private Path file;

  @Override
  public void configure(WorkerConfig config) {
    super.configure(config);
    Object name = config.originals().get(FILE_SETTING);
    if (name == null || name.toString().isBlank()) {
      throw new ConnectException(FILE_SETTING + " is not set");
    }
    file = Path.of(name.toString());
  }

  @Override
  public synchronized void start() {
    super.start();
    data = read(file);
  }

  @Override
  protected void save() {
    try {
      write(file, data);
    } catch (IOException e) {
      // the engine then does not report the offsets as committed, so the slot does not advance
      throw new ConnectException("cannot save CDC offsets to " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Set<Map<String, Object>> connectorPartitions(String connectorName) {
    // only Connect's REST offset API asks; the embedded engine never does
    return Set.of();
  }

  /** Reads a file written by {@link #write}; a missing file is an empty store. */
  static Map<ByteBuffer, ByteBuffer> read(Path file) {
    Map<ByteBuffer, ByteBuffer> offsets = new HashMap<>();
    if (!Files.exists(file)) {
      return offsets;
    }
    try (JsonParser p = ConnectJson.JSON.createParser(Files.readAllBytes(file))) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        if (field.equals("offsets")) {
          expect(t, JsonToken.START_ARRAY);
          while (p.nextToken() == JsonToken.START_OBJECT) {
            byte[] key = null;
            byte[] value = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String name = p.currentName();
              JsonToken v = p.nextToken();
              byte[] bytes =
                  v == JsonToken.VALUE_NULL ? null : Base64.getDecoder().decode(p.getText());
              if (name.equals("key")) {
                key = bytes;
              } else if (name.equals("value")) {
                value = bytes;
              }
            }
            if (key == null) {
              throw new IOException("an entry has no key");
            }
            offsets.put(ByteBuffer.wrap(key), value == null ? null : ByteBuffer.wrap(value));
          }
        } else {
          p.skipChildren();
        }
      }
      return offsets;
    } catch (IOException | IllegalArgumentException e) {
      throw new ConnectException(
          "cannot read CDC offsets from "
              + file
              + " ("
              + e.getMessage()
              + "). Delete the file to start over with a new snapshot.",
          e);
    }
  }

  /** Replaces the file atomically with the given offsets, synced to disk. */
  static void write(Path file, Map<ByteBuffer, ByteBuffer> offsets) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (JsonGenerator g = ConnectJson.JSON.createGenerator(buf)) {
      g.writeStartObject();
      g.writeNumberField("version", 1);
      g.writeArrayFieldStart("offsets");
      for (Map.Entry<ByteBuffer, ByteBuffer> e : offsets.entrySet()) {
        g.writeStartObject();
        g.writeStringField("key", base64(e.getKey()));
        if (e.getValue() == null) {
          g.writeNullField("value");
        } else {
          g.writeStringField("value", base64(e.getValue()));
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer bytes = ByteBuffer.wrap(buf.toByteArray());
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    syncDirectory(dir);
  }

  /** Makes the rename itself durable; not every platform can open a folder for that. */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Windows cannot; the file content itself is already synced
    }
  }

  private static String base64(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] bytes = new byte[d.remaining()];
    d.get(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static void expect(JsonToken actual, JsonToken expected) throws IOException {
    if (actual != expected) {
      throw new IOException("expected " + expected + ", found " + actual);
    }
  }
}
