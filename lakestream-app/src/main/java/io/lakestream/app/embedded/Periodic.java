package io.lakestream.app.embedded;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A task {@code up} runs in the background every so often (the warehouse export, table upkeep), on
 * its own daemon thread, one run at a time; closing stops it and waits for a run in progress.
 */
public final class Periodic implements AutoCloseable {

  private final ScheduledExecutorService timer;
  private final Duration stopWait;

  private Periodic(ScheduledExecutorService timer, Duration stopWait) {
    this.timer = timer;
    this.stopWait = stopWait;
  }

  /**
   * Runs {@code task} every {@code every}, the first time after one interval.
   *
   * @param stopWait how long {@link #close()} waits for a run in progress to end
   */
  public static Periodic every(String thread, Duration every, Duration stopWait, Runnable task) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, thread);
              t.setDaemon(true);
              return t;
            });
    long ms = every.toMillis();
    timer.scheduleWithFixedDelay(task, ms, ms, TimeUnit.MILLISECONDS);
    return new Periodic(timer, stopWait);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(stopWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
