package io.lakestream.notify;

import io.lakestream.api.alert.AlertEvent;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** One alert on its way to one channel, across all its attempts. */
final class Delivery {

  final AlertEvent alert;
  final String id;
  final long submittedNanos;
  final AtomicInteger attempts = new AtomicInteger();
  final AtomicBoolean finished = new AtomicBoolean();
  private volatile byte[] body;

  Delivery(AlertEvent alert) {
    this(alert, UUID.randomUUID().toString(), System.nanoTime());
  }

  Delivery(AlertEvent alert, String id, long submittedNanos) {
    this.alert = alert;
    this.id = id;
    this.submittedNanos = submittedNanos;
  }

  /** The request body, made once so that every attempt sends (and signs) the same bytes. */
  byte[] body(Function<AlertEvent, byte[]> writer) {
    byte[] b = body;
    if (b == null) {
      b = writer.apply(alert);
      body = b;
    }
    return b;
  }

  long elapsedMillis() {
    return (System.nanoTime() - submittedNanos) / 1_000_000;
  }
}
