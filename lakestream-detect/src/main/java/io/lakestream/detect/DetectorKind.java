package io.lakestream.detect;

import java.io.DataInput;
import java.io.IOException;
import java.io.Serializable;

/**
 * A configured detector: its parameters, and how to make a fresh model for a new key or restore a
 * saved one. Serializable, because the job ships it to its tasks.
 */
public interface DetectorKind extends Serializable {

  /** The kind's name as written in the pipeline file, e.g. {@code threshold} or {@code rcf}. */
  String type();

  /** A model for a key seen for the first time. */
  Detector create();

  /** A model from what {@link Detector#writeState} wrote, with this kind's parameters. */
  Detector restore(DataInput in) throws IOException;
}
