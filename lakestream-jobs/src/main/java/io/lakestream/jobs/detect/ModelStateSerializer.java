package io.lakestream.jobs.detect;

import io.lakestream.detect.AlertLifecycle;
import io.lakestream.detect.DetectorKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.util.InstantiationUtil;

/**
 * Writes a key's {@link ModelState} into checkpoints with the detector library's own state format,
 * so that a restored model gives exactly the scores the saved one would have.
 *
 * <p>On the heap state backend models live as objects between checkpoints; this serializer runs
 * only when a checkpoint is written or restored (and to copy a model that changes while a
 * checkpoint is being written).
 */
public final class ModelStateSerializer extends TypeSerializer<ModelState> {

  private static final long serialVersionUID = 1L;
  private static final int FORMAT = 1;

  private final DetectorKind kind;
  private final AlertLifecycle.Params lifecycle;

  public ModelStateSerializer(DetectorKind kind, AlertLifecycle.Params lifecycle) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
  }

  /** A model for a key seen for the first time. */
  public ModelState fresh() {
    return new ModelState(kind.create(), new AlertLifecycle(lifecycle), Long.MIN_VALUE);
  }

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public TypeSerializer<ModelState> duplicate() {
    return this; // stateless: kind and params are immutable values
  }

  @Override
  public ModelState createInstance() {
    return fresh();
  }

  @Override
  public ModelState copy(ModelState from) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      write(from, new DataOutputStream(bytes));
      return read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy a detector model", e);
    }
  }

  @Override
  public ModelState copy(ModelState from, ModelState reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(ModelState record, DataOutputView target) throws IOException {
    // Length-prefixed, so that copy(DataInputView, DataOutputView) need not understand the model.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    write(record, new DataOutputStream(bytes));
    target.writeInt(bytes.size());
    target.write(bytes.toByteArray());
  }

  @Override
  public ModelState deserialize(DataInputView source) throws IOException {
    byte[] bytes = new byte[source.readInt()];
    source.readFully(bytes);
    return read(new DataInputStream(new ByteArrayInputStream(bytes)));
  }

  @Override
  public ModelState deserialize(ModelState reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    int n = source.readInt();
    target.writeInt(n);
    target.write(source, n);
  }

  private static void write(ModelState s, DataOutputStream out) throws IOException {
    out.writeInt(FORMAT);
    out.writeLong(s.latestMillis);
    s.detector.writeState(out);
    s.lifecycle.writeState(out);
    out.flush();
  }

  private ModelState read(DataInputStream in) throws IOException {
    int format = in.readInt();
    if (format != FORMAT) {
      throw new IOException(
          "detector model saved in format " + format + ", this version reads " + FORMAT);
    }
    long latest = in.readLong();
    var detector = kind.restore(in);
    var life = AlertLifecycle.restore(lifecycle, in);
    return new ModelState(detector, life, latest);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelStateSerializer other
        && kind.equals(other.kind)
        && lifecycle.equals(other.lifecycle);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, lifecycle);
  }

  @Override
  public TypeSerializerSnapshot<ModelState> snapshotConfiguration() {
    return new Snapshot(kind, lifecycle);
  }

  /** Carries the detector's settings, so a checkpoint can be read without the pipeline file. */
  public static final class Snapshot implements TypeSerializerSnapshot<ModelState> {

    private DetectorKind kind;
    private AlertLifecycle.Params lifecycle;

    /** For Flink, which reads the settings with {@link #readSnapshot}. */
    public Snapshot() {}

    Snapshot(DetectorKind kind, AlertLifecycle.Params lifecycle) {
      this.kind = kind;
      this.lifecycle = lifecycle;
    }

    @Override
    public int getCurrentVersion() {
      return 1;
    }

    @Override
    public void writeSnapshot(DataOutputView out) throws IOException {
      byte[] k = InstantiationUtil.serializeObject(kind);
      byte[] l = InstantiationUtil.serializeObject(lifecycle);
      out.writeInt(k.length);
      out.write(k);
      out.writeInt(l.length);
      out.write(l);
    }

    @Override
    public void readSnapshot(int version, DataInputView in, ClassLoader loader) throws IOException {
      try {
        byte[] k = new byte[in.readInt()];
        in.readFully(k);
        byte[] l = new byte[in.readInt()];
        in.readFully(l);
        kind = InstantiationUtil.deserializeObject(k, loader);
        lifecycle = InstantiationUtil.deserializeObject(l, loader);
      } catch (ClassNotFoundException e) {
        throw new IOException("cannot read a detector's saved settings: " + e.getMessage(), e);
      }
    }

    @Override
    public TypeSerializer<ModelState> restoreSerializer() {
      return new ModelStateSerializer(kind, lifecycle);
    }

    @Override
    public TypeSerializerSchemaCompatibility<ModelState> resolveSchemaCompatibility(
        TypeSerializerSnapshot<ModelState> oldSnapshot) {
      // Models are saved under a state name that includes the settings (see DetectorFunction), so
      // a saved model is only ever read back with the settings it was made with.
      if (oldSnapshot instanceof Snapshot old
          && Objects.equals(old.kind, kind)
          && Objects.equals(old.lifecycle, lifecycle)) {
        return TypeSerializerSchemaCompatibility.compatibleAsIs();
      }
      return TypeSerializerSchemaCompatibility.incompatible();
    }
  }
}
