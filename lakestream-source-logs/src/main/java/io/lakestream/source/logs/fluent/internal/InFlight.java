package io.lakestream.source.logs.fluent.internal;

/**
 * Counts the batches (and their bytes) one connection has handed to Kafka and not yet finished, and
 * makes the reader wait when there are too many: back pressure by not reading.
 *
 * <p>One batch is always let through, however large, so a single entry near the size limit cannot
 * block a connection forever.
 */
final class InFlight {

  private final int maxBatches;
  private final long maxBytes;
  private int batches;
  private long bytes;

  InFlight(int maxBatches, long maxBytes) {
    this.maxBatches = maxBatches;
    this.maxBytes = maxBytes;
  }

  synchronized void acquire(long batchBytes) throws InterruptedException {
    while (batches > 0 && (batches >= maxBatches || bytes + batchBytes > maxBytes)) {
      wait();
    }
    batches++;
    bytes += batchBytes;
  }

  synchronized void release(long batchBytes) {
    batches--;
    bytes -= batchBytes;
    notifyAll();
  }

  synchronized int batches() {
    return batches;
  }
}
