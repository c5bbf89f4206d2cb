package io.lakestream.jobs.maintain;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.flink.maintenance.api.TriggerLockFactory;

/**
 * Wraps a {@link TriggerLockFactory} and counts, per run, how often the maintenance lock was taken
 * and released again.
 *
 * <p>Iceberg's {@code TableMaintenance} does not expose the results of its tasks: they end in its
 * lock remover, which releases the lock when a task has finished. A one-shot run in a local Flink
 * environment (same JVM) uses these counts to see that the triggered task is done, and then cancels
 * its otherwise endless job.
 */
final class TrackingLockFactory implements TriggerLockFactory {
  private static final long serialVersionUID = 1L;
  private static final Map<String, Counts> RUNS = new ConcurrentHashMap<>();

  /** Lock events of one run. */
  static final class Counts {
    final AtomicInteger acquired = new AtomicInteger();
    final AtomicInteger released = new AtomicInteger();

    /** True when the lock was taken at least once and every taking was released. */
    boolean finished() {
      int taken = acquired.get();
      return taken > 0 && released.get() >= taken;
    }
  }

  private final TriggerLockFactory delegate;
  private final String runId;

  TrackingLockFactory(TriggerLockFactory delegate, String runId) {
    this.delegate = delegate;
    this.runId = runId;
    RUNS.putIfAbsent(runId, new Counts());
  }

  static Counts counts(String runId) {
    return RUNS.computeIfAbsent(runId, k -> new Counts());
  }

  static void forget(String runId) {
    RUNS.remove(runId);
  }

  @Override
  public void open() {
    delegate.open();
  }

  @Override
  public Lock createLock() {
    Lock lock = delegate.createLock();
    Counts counts = counts(runId);
    return new Lock() {
      @Override
      public boolean tryLock() {
        boolean ok = lock.tryLock();
        if (ok) {
          counts.acquired.incrementAndGet();
        }
        return ok;
      }

      @Override
      public boolean isHeld() {
        return lock.isHeld();
      }

      @Override
      public void unlock() {
        lock.unlock();
        synchronized (counts) {
          if (counts.released.get() < counts.acquired.get()) {
            counts.released.incrementAndGet();
          }
        }
      }
    };
  }

  @Override
  public Lock createRecoveryLock() {
    return delegate.createRecoveryLock();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
