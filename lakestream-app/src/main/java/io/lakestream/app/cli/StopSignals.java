package io.lakestream.app.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * Ctrl-C and SIGTERM for long-running commands, handled by the command rather than in a JVM
 * shutdown hook (by then other libraries' hooks may have shut down what a clean stop needs): the
 * first signal asks to stop, a second one ends the process at once.
 */
final class StopSignals {

  private StopSignals() {}

  /**
   * Installs the handlers; the answer counts down at the first signal.
   *
   * @param forced printed on standard error before a second signal ends the process, or null
   */
  static CountDownLatch install(String forced) {
    CountDownLatch stop = new CountDownLatch(1);
    AtomicInteger signals = new AtomicInteger();
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        Signal.handle(
            new Signal(name),
            sig -> {
              if (signals.incrementAndGet() > 1) {
                if (forced != null) {
                  System.err.println(forced);
                }
                Runtime.getRuntime().halt(130);
              }
              stop.countDown();
            });
      } catch (IllegalArgumentException unsupported) {
        // platform without this signal: the command's shutdown hook still closes what it can
      }
    }
    return stop;
  }
}
