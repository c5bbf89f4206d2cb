package io.lakestream.jobs.dedup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializes strings as a length and their UTF-8 bytes in one write.
 *
 * <p>The dedup state holds every event id of the window and the heap state backend writes all of it
 * at every checkpoint. Flink's own {@code StringSerializer} writes strings character by character;
 * for ids, which are short ASCII, one bulk write is several times cheaper, and that showed as a
 * large share of the job's CPU at short checkpoint intervals.
 */
public final class Utf8StringSerializer extends TypeSerializerSingleton<String> {

  private static final long serialVersionUID = 1L;

  public static final Utf8StringSerializer INSTANCE = new Utf8StringSerializer();

  @Override
  public boolean isImmutableType() {
    return true;
  }

  @Override
  public String createInstance() {
    return "";
  }

  @Override
  public String copy(String from) {
    return from;
  }

  @Override
  public String copy(String from, String reuse) {
    return from;
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(String record, DataOutputView target) throws IOException {
    byte[] bytes = record.getBytes(StandardCharsets.UTF_8);
    target.writeInt(bytes.length);
    target.write(bytes);
  }

  @Override
  public String deserialize(DataInputView source) throws IOException {
    byte[] bytes = new byte[source.readInt()];
    source.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public String deserialize(String reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    int length = source.readInt();
    target.writeInt(length);
    target.write(source, length);
  }

  @Override
  public TypeSerializerSnapshot<String> snapshotConfiguration() {
    return new Utf8StringSerializerSnapshot();
  }

  /** Restores the serializer from a checkpoint; the format has no parameters. */
  public static final class Utf8StringSerializerSnapshot
      extends SimpleTypeSerializerSnapshot<String> {
    public Utf8StringSerializerSnapshot() {
      super(() -> INSTANCE);
    }
  }
}
