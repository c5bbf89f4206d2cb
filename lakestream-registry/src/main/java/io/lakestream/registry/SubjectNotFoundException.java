package io.lakestream.registry;

/** The subject does not exist, or has no live version (404, error code 40401). */
public class SubjectNotFoundException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception for {@code subject}. */
  public SubjectNotFoundException(String subject) {
    super(404, 40401, "Subject '" + subject + "' not found.");
  }
}
