package io.lakestream.registry;

/** The subject has no such (live) version (404, error code 40402). */
public class VersionNotFoundException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception for {@code version} of {@code subject}. */
  public VersionNotFoundException(String subject, int version) {
    super(404, 40402, "Version " + version + " not found for subject '" + subject + "'.");
  }

  /** Creates the exception with a specific message. */
  public VersionNotFoundException(String message) {
    super(404, 40402, message);
  }
}
