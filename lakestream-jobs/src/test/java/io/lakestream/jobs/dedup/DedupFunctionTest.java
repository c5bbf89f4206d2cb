package io.lakestream.jobs.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.jobs.ingest.RawEvent;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DedupFunctionTest {

  private static RawEvent event(String id, String key) {
    RawEvent e = new RawEvent();
    e.id = id;
    e.source = "sensors";
    e.key = key;
    e.value = new byte[0];
    return e;
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, RawEvent, RawEvent> harness(
      Duration window) throws Exception {
    var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new DedupFunction(window)),
            RawEvent::flinkKey,
            Types.STRING);
    h.open();
    return h;
  }

  private static List<String> ids(
      KeyedOneInputStreamOperatorTestHarness<String, RawEvent, RawEvent> h) {
    return h.extractOutputValues().stream().map(e -> e.id).toList();
  }

  @Test
  void dropsARepeatedIdWithinTheWindow() throws Exception {
    try (var h = harness(Duration.ofMinutes(15))) {
      h.setProcessingTime(1_000);
      h.processElement(new StreamRecord<>(event("a", "dev-1")));
      h.processElement(new StreamRecord<>(event("b", "dev-1")));
      h.setProcessingTime(60_000);
      h.processElement(new StreamRecord<>(event("a", "dev-1")));
      h.processElement(new StreamRecord<>(event("a", "dev-2"))); // other key: other state entry
      assertThat(ids(h)).containsExactly("a", "b", "a");
    }
  }

  @Test
  void forgetsIdsAfterTheWindowAndCleansThemUp() throws Exception {
    try (var h = harness(Duration.ofSeconds(16))) {
      h.setProcessingTime(0);
      h.processElement(new StreamRecord<>(event("a", "dev-1")));
      assertThat(h.numKeyedStateEntries()).isEqualTo(1);
      h.setProcessingTime(20_000); // past expiry (16 s) and its cleanup bucket (17 s)
      assertThat(h.numKeyedStateEntries()).isZero();
      h.processElement(new StreamRecord<>(event("a", "dev-1")));
      assertThat(ids(h)).containsExactly("a", "a");
    }
  }

  @Test
  void gatewayGeneratedIdsPassWithoutState() throws Exception {
    try (var h = harness(Duration.ofMinutes(15))) {
      RawEvent e = event("gen-1", "dev-1");
      e.idGenerated = true;
      h.processElement(new StreamRecord<>(e));
      h.processElement(new StreamRecord<>(e));
      assertThat(ids(h)).containsExactly("gen-1", "gen-1");
      assertThat(h.numKeyedStateEntries()).isZero();
    }
  }

  @Test
  void seenIdsSurviveARestoreFromASnapshot() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness(Duration.ofMinutes(15))) {
      h.setProcessingTime(1_000);
      h.processElement(new StreamRecord<>(event("a", "dev-1")));
      snapshot = h.snapshot(1L, 1_000L);
    }
    var restored =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new DedupFunction(Duration.ofMinutes(15))),
            RawEvent::flinkKey,
            Types.STRING);
    try (restored) {
      restored.initializeState(snapshot);
      restored.open();
      restored.setProcessingTime(2_000);
      restored.processElement(new StreamRecord<>(event("a", "dev-1")));
      restored.processElement(new StreamRecord<>(event("c", "dev-1")));
      assertThat(ids(restored)).containsExactly("c");
    }
  }
}
