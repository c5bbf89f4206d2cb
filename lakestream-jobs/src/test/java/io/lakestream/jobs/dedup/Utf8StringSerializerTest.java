package io.lakestream.jobs.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class Utf8StringSerializerTest {

  private static final String[] VALUES = {
    "",
    "s-1",
    "01a208ed-6c5e-71f1-8925-187a3d4d2e56",
    "grüße-ünïcödé",
    "日本語のID",
    "emoji-😀",
    "x".repeat(70_000)
  };

  @Test
  void roundTripsAnyStringIncludingNonAsciiAndLongOnes() throws Exception {
    Utf8StringSerializer s = Utf8StringSerializer.INSTANCE;
    DataOutputSerializer out = new DataOutputSerializer(64);
    for (String v : VALUES) {
      s.serialize(v, out);
    }
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    for (String v : VALUES) {
      assertThat(s.deserialize(in)).isEqualTo(v);
    }
    assertThat(in.available()).isZero();
  }

  @Test
  void copiesSerializedFormWithoutDecoding() throws Exception {
    Utf8StringSerializer s = Utf8StringSerializer.INSTANCE;
    DataOutputSerializer first = new DataOutputSerializer(64);
    s.serialize("日本語のID", first);
    DataOutputSerializer second = new DataOutputSerializer(64);
    s.copy(new DataInputDeserializer(first.getCopyOfBuffer()), second);
    assertThat(second.getCopyOfBuffer()).isEqualTo(first.getCopyOfBuffer());
  }

  @Test
  void restoresFromItsSnapshot() {
    assertThat(Utf8StringSerializer.INSTANCE.snapshotConfiguration().restoreSerializer())
        .isSameAs(Utf8StringSerializer.INSTANCE);
  }
}
