package io.lakestream.registry.compat.internal;

/**
 * One reason a reader schema cannot read everything a writer schema allows, stated without knowing
 * which of the two is the new one; {@code CompatibilityChecker} turns it into an {@code
 * Incompatibility}.
 *
 * @param path where, as a JSON pointer or Avro field path
 * @param kind stable code, e.g. {@code TYPE_CHANGED}
 * @param subject what differs, e.g. "type", "enum", "required"
 * @param readerDescription what the reader schema has at {@code path}
 * @param writerDescription what the writer schema has at {@code path}
 * @param consequence why it breaks, with the placeholders {@code {writer}} (the data) and {@code
 *     {reader}} (the schema that fails to read it)
 */
public record Finding(
    String path,
    String kind,
    String subject,
    String readerDescription,
    String writerDescription,
    String consequence) {}
