package io.lakestream.jobs.transform;

/**
 * An error in the pipeline's custom Java transforms found while planning or opening them: a plugin
 * jar that cannot be read, a transform name that no jar provides, an unusable added-field type or a
 * transform whose {@code open} failed.
 *
 * <p>The message is written for the person who wrote the pipeline file: it names the jars that were
 * searched and what to change.
 */
public class TransformPluginException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public TransformPluginException(String message) {
    super(message);
  }

  public TransformPluginException(String message, Throwable cause) {
    super(message, cause);
  }
}
