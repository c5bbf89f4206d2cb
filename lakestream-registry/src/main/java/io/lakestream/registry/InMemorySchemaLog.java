package io.lakestream.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A thread-safe {@link SchemaLog} in memory, for tests and a registry embedded in one process.
 * Several {@link Registry} instances may share one to behave like processes sharing a Kafka topic.
 * Offsets start at 0 and have no gaps.
 */
public final class InMemorySchemaLog implements SchemaLog {
  private final List<LogRecord> records = new ArrayList<>();

  @Override
  public synchronized long append(String key, byte[] value) {
    long offset = records.size();
    records.add(new LogRecord(offset, key, value == null ? null : value.clone()));
    return offset;
  }

  @Override
  public long readToEnd(long nextOffset, Consumer<LogRecord> sink) {
    List<LogRecord> batch;
    synchronized (this) {
      int from = (int) Math.max(0, Math.min(nextOffset, records.size()));
      batch = List.copyOf(records.subList(from, records.size()));
    }
    long next = Math.max(nextOffset, 0);
    for (LogRecord record : batch) {
      sink.accept(record);
      next = record.offset() + 1;
    }
    return next;
  }

  /** The number of records appended so far. */
  public synchronized int size() {
    return records.size();
  }

  /** Nothing to release. */
  @Override
  public void close() {}
}
