package io.lakestream.jobs.enrich;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * The warnings about bad rows of one load of a reference table, of which only the first few are
 * logged, followed by a count, so that a file full of bad rows does not flood the log.
 *
 * <p>Warnings of a whole-table read are held back until the read is known to be used: a database
 * table is re-read every refresh, and the same bad rows need not be reported again while nothing
 * changed.
 */
final class LoadWarnings {

  /** Warnings logged per load; the rest are only counted. */
  static final int LIMIT = 5;

  private final Logger log;
  private final String reference;
  private final String what;
  private final List<String> held; // null: logged at once
  private int count;

  private LoadWarnings(Logger log, String reference, String what, boolean hold) {
    this.log = log;
    this.reference = reference;
    this.what = what;
    this.held = hold ? new ArrayList<>() : null;
  }

  /**
   * Warnings logged when they happen.
   *
   * @param reference the reference table's name
   * @param what what is being read, for the summary (e.g. {@code "/data/devices.csv"})
   */
  static LoadWarnings immediate(Logger log, String reference, String what) {
    return new LoadWarnings(log, reference, what, false);
  }

  /** Warnings logged only by {@link #summarize()}. */
  static LoadWarnings held(Logger log, String reference, String what) {
    return new LoadWarnings(log, reference, what, true);
  }

  /**
   * Logs (or holds, or past the limit just counts) a problem with one row.
   *
   * @param where the row: {@code file:line}, {@code file[index]}, or its key
   */
  void warn(String where, String problem) {
    count++;
    if (count <= LIMIT) {
      if (held != null) {
        held.add(where + ": " + problem);
      } else {
        log.warn("reference {}: {}: {}", reference, where, problem);
      }
    }
  }

  int count() {
    return count;
  }

  /** Logs the held warnings, then how many problems there were in all, when there were any. */
  void summarize() {
    if (held != null) {
      for (String w : held) {
        log.warn("reference {}: {}", reference, w);
      }
      held.clear();
    }
    if (count > LIMIT) {
      log.warn(
          "reference {}: {} problems with rows of {} ({} not logged; the first {} are above)",
          reference,
          count,
          what,
          count - LIMIT,
          LIMIT);
    } else if (count > 0) {
      log.warn("reference {}: {} problem(s) with rows of {} (above)", reference, count, what);
    }
    count = 0;
  }
}
