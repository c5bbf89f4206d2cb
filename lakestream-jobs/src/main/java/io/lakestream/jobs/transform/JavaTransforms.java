package io.lakestream.jobs.transform;

import io.lakestream.api.config.ColumnType;
import io.lakestream.api.config.JavaTransformConfig;
import io.lakestream.api.transform.EventTransform;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Helpers used when the Flink job is planned, to learn from a source's custom Java transforms what
 * they add to its events.
 *
 * <pre>{@code
 * Map<String, ColumnType> added =
 *     JavaTransforms.addedFields(cfg.plugins(), source.javaTransforms());
 * }</pre>
 */
public final class JavaTransforms {

  private JavaTransforms() {}

  /**
   * The fields the transforms add, with their types, in the order the transforms and their {@link
   * EventTransform#addedFields} list them.
   *
   * <p>Loads the jars, makes one instance of each configured transform (without calling {@code
   * open}) and asks it for its added fields with the entry's options; the jars are released before
   * returning. A field added twice must have the same type both times.
   *
   * @param pluginJars paths of the jars listed under {@code plugins:}
   * @param transforms the source's {@code java_transforms:}, in order
   * @throws TransformPluginException when a jar is missing, a transform is not found, a type name
   *     is not one of {@link ColumnType#yamlNames()}, or two transforms add one field with
   *     different types; the message says which and what is available
   */
  public static Map<String, ColumnType> addedFields(
      List<String> pluginJars, List<JavaTransformConfig> transforms) {
    if (transforms.isEmpty()) {
      // Nothing to ask; do not open jars the source does not use.
      return Map.of();
    }
    Map<String, ColumnType> fields = new LinkedHashMap<>();
    Map<String, String> addedBy = new LinkedHashMap<>();
    try (TransformCatalog catalog = TransformCatalog.open(pluginJars)) {
      for (JavaTransformConfig config : transforms) {
        EventTransform transform = catalog.newInstance(config.name());
        Map<String, String> declared = declaredFields(catalog, config, transform);
        for (Map.Entry<String, String> field : declared.entrySet()) {
          String fieldName = field.getKey();
          ColumnType type = parseType(catalog, config, fieldName, field.getValue());
          ColumnType earlier = fields.putIfAbsent(fieldName, type);
          if (earlier != null && earlier != type) {
            throw new TransformPluginException(
                "field '"
                    + fieldName
                    + "' is added as "
                    + earlier.yamlName()
                    + " by Java transform '"
                    + addedBy.get(fieldName)
                    + "' and as "
                    + type.yamlName()
                    + " by '"
                    + config.name()
                    + "'; a column has one type");
          }
          addedBy.putIfAbsent(fieldName, config.name());
        }
      }
    } catch (IOException e) {
      // Only closing the class loader throws this; the answer is complete by then.
      throw new TransformPluginException(
          "cannot release plugin jars " + TransformCatalog.describe(pluginJars), e);
    }
    return fields;
  }

  private static Map<String, String> declaredFields(
      TransformCatalog catalog, JavaTransformConfig config, EventTransform transform) {
    Map<String, String> declared;
    try {
      declared =
          TransformCatalog.withContextLoader(
              catalog.loader(), () -> transform.addedFields(config.options()));
    } catch (RuntimeException | LinkageError e) {
      throw new TransformPluginException(
          "Java transform '"
              + config.name()
              + "' ("
              + catalog.className(config.name())
              + ") failed in addedFields with options "
              + config.options()
              + ": "
              + e,
          e);
    }
    return declared == null ? Map.of() : declared;
  }

  private static ColumnType parseType(
      TransformCatalog catalog, JavaTransformConfig config, String field, String typeName) {
    if (field == null || field.isBlank()) {
      throw new TransformPluginException(
          "Java transform '"
              + config.name()
              + "' ("
              + catalog.className(config.name())
              + ") declares an added field without a name");
    }
    Optional<ColumnType> type = typeName == null ? Optional.empty() : ColumnType.fromYaml(typeName);
    return type.orElseThrow(
        () ->
            new TransformPluginException(
                "Java transform '"
                    + config.name()
                    + "' ("
                    + catalog.className(config.name())
                    + ") adds field '"
                    + field
                    + "' with unknown type "
                    + (typeName == null ? "null" : "'" + typeName + "'")
                    + "; valid types: "
                    + String.join(", ", ColumnType.yamlNames())));
  }
}
