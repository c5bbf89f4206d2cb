package io.lakestream.source.mqtt.internal;

import io.lakestream.api.ingest.EventFields;
import io.lakestream.api.ingest.RawRecord;
import io.lakestream.api.ingest.RawSink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns one MQTT message into a raw record and hands it to the sink; shared by the embedded broker
 * and the client. Counts received on arrival and accepted (and undecodable) when Kafka holds the
 * record; what a failure means depends on the caller, so callers count rejections.
 */
public final class Ingest {

  private final RawSink sink;
  private final AtomicLong inFlight = new AtomicLong();

  public Ingest(RawSink sink) {
    this.sink = sink;
  }

  /** The record for {@code payload}, with the device id from {@code topic} when configured. */
  public RawRecord record(Route route, String topic, byte[] payload, String origin) {
    route.counters().received(1, payload.length);
    byte[] json = payload;
    if (route.deviceIdLevel() != null) {
      String device = TopicRoutes.level(topic, route.deviceIdLevel());
      if (device != null && !device.isEmpty()) {
        json = DeviceIds.insert(payload, route.deviceIdField(), device);
      }
    }
    return EventFields.record(json, route.keyField(), origin);
  }

  /**
   * Sends one record; the future completes when Kafka holds it. Never throws: a sink that throws
   * yields a failed future.
   */
  public CompletableFuture<Void> send(Route route, RawRecord record) {
    CompletableFuture<Void> sent;
    inFlight.incrementAndGet();
    try {
      sent = sink.send(route.source(), List.of(record));
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.whenComplete(
        (ok, failure) -> {
          inFlight.decrementAndGet();
          if (failure == null) {
            route.counters().accepted(1);
            if (record.error() != null) {
              route.counters().undecodable(1);
            }
          }
        });
  }

  /** Records handed to the sink whose outcome is not known yet. */
  public long inFlight() {
    return inFlight.get();
  }
}
