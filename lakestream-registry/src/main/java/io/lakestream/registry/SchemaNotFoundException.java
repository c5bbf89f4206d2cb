package io.lakestream.registry;

/** No such schema: an unknown id, or a schema not registered under a subject (404, 40403). */
public class SchemaNotFoundException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message saying which schema was not found. */
  public SchemaNotFoundException(String message) {
    super(404, 40403, message);
  }
}
