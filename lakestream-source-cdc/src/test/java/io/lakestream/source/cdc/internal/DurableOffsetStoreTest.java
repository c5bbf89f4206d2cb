package io.lakestream.source.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.debezium.embedded.EmbeddedWorkerConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableOffsetStoreTest {

  @TempDir Path dir;

  @Test
  void offsetsSurviveARestartOfTheStore() throws Exception {
    Path file = dir.resolve("state/offsets.json");
    DurableOffsetStore store = store(file);
    store.set(Map.of(buf("partition"), buf("{\"lsn\":42}")), null).get();
    store.stop();

    DurableOffsetStore reopened = store(file);
    Map<ByteBuffer, ByteBuffer> read = reopened.get(List.of(buf("partition"))).get();
    assertThat(StandardCharsets.UTF_8.decode(read.get(buf("partition"))).toString())
        .isEqualTo("{\"lsn\":42}");
    reopened.stop();
    assertThat(Files.list(file.getParent())).containsExactly(file);
  }

  @Test
  void nullValuesAndAMissingFileAreFine() throws Exception {
    Path file = dir.resolve("offsets.json");
    assertThat(DurableOffsetStore.read(file)).isEmpty();
    Map<ByteBuffer, ByteBuffer> offsets = new HashMap<>();
    offsets.put(buf("gone"), null);
    offsets.put(buf("kept"), buf("v"));
    DurableOffsetStore.write(file, offsets);
    assertThat(DurableOffsetStore.read(file)).isEqualTo(offsets);
  }

  @Test
  void anUnreadableFileSaysWhatToDo() throws Exception {
    Path file = dir.resolve("offsets.json");
    Files.writeString(file, "{\"version\":1,\"offsets\":[{\"key\":");
    assertThatThrownBy(() -> DurableOffsetStore.read(file))
        .isInstanceOf(ConnectException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("Delete the file to start over with a new snapshot");
  }

  private static DurableOffsetStore store(Path file) {
    DurableOffsetStore store = new DurableOffsetStore();
    store.configure(
        new EmbeddedWorkerConfig(
            new HashMap<>(Map.of(DurableOffsetStore.FILE_SETTING, file.toString()))));
    store.start();
    return store;
  }

  private static ByteBuffer buf(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }
}
