package io.lakestream.export;

/**
 * Receives the progress of an export, on the exporting thread, once when a table starts, for each
 * batch of files and once when the table is done.
 */
@FunctionalInterface
public interface ExportListener {

  /** A listener that ignores everything. */
  ExportListener NONE = progress -> {};

  /**
   * Called with each progress report. An exception thrown here aborts the export; the batch in
   * progress is rolled back.
   */
  void onProgress(ExportProgress progress);
}
