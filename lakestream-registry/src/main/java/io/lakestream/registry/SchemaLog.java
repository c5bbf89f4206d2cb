package io.lakestream.registry;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * The append-only, totally ordered log the {@link Registry} is a state machine over. Every process
 * that reads the same log sees the same records in the same order, which is all the registry needs
 * to reach the same state everywhere.
 *
 * <p>Implementations: {@link InMemorySchemaLog} (tests, embedded use) and {@link KafkaSchemaLog} (a
 * single-partition Kafka topic shared by several processes).
 */
public interface SchemaLog extends AutoCloseable {

  /**
   * Appends a record durably: returns only once the storage acknowledged it.
   *
   * @return the record's offset; offsets grow with the order of the log
   * @throws RegistryStorageException when the storage fails or does not acknowledge in time
   */
  long append(String key, byte[] value);

  /**
   * Delivers, in order, every record at offset {@code >= nextOffset} up to the log's current end.
   *
   * @return the offset to pass next time (one past the last offset delivered, or further when the
   *     log has gaps)
   * @throws RegistryStorageException when the storage cannot be read
   */
  long readToEnd(long nextOffset, Consumer<LogRecord> sink);

  /** Releases the log's resources. */
  @Override
  void close();

  /**
   * One record of the log.
   *
   * @param offset its position in the log
   * @param key its key (unique per record)
   * @param value its payload; may be null for a tombstone, which the registry skips
   */
  record LogRecord(long offset, String key, byte[] value) {
    public LogRecord {
      Objects.requireNonNull(key, "key");
    }
  }
}
