package io.lakestream.registry;

import io.lakestream.registry.compat.Incompatibility;
import java.util.List;

/**
 * The proposed schema is incompatible with the subject's existing versions under its compatibility
 * level (409, error code 409). The message names every incompatibility (path, old type, new type).
 */
public class IncompatibleSchemaException extends RegistryException {
  private static final long serialVersionUID = 1L;

  private final transient List<Incompatibility> incompatibilities;

  /** Creates the exception for {@code subject} with the checker's findings. */
  public IncompatibleSchemaException(String subject, List<Incompatibility> incompatibilities) {
    super(
        409,
        409,
        "Schema being registered is incompatible with an earlier schema for subject \""
            + subject
            + "\", details: "
            + incompatibilities.stream().map(Incompatibility::message).toList());
    this.incompatibilities = List.copyOf(incompatibilities);
  }

  /** Every incompatibility found, never empty. */
  public List<Incompatibility> incompatibilities() {
    return incompatibilities;
  }
}
