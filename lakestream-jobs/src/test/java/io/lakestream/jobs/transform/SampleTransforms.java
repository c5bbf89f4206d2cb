package io.lakestream.jobs.transform;

import io.lakestream.api.transform.EventTransform;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sources of the sample plugin transforms the tests compile into a jar, written as a user would
 * write them.
 */
final class SampleTransforms {

  /** Every transform name in {@link #jar}, sorted. */
  static final String ALL_NAMES =
      "append, describe_types, drop_matching, explode, loader_check, mask_emails";

  /**
   * Masks e-mail addresses in the field named by option {@code field} (required) and adds their
   * count; option {@code close_marker} names a file written on close.
   */
  static final String MASK_EMAILS =
      """
      package sample;

      import io.lakestream.api.transform.EventTransform;
      import java.nio.file.Files;
      import java.nio.file.Path;
      import java.util.Map;
      import java.util.regex.Matcher;
      import java.util.regex.Pattern;

      public final class MaskEmails implements EventTransform {
        private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+");
        private String field;
        private String countField;
        private Path closeMarker;

        @Override public String name() { return "mask_emails"; }

        @Override public Map<String, String> addedFields(Map<String, String> options) {
          return Map.of(
              options.getOrDefault("count_field", "email_count"),
              options.getOrDefault("count_type", "long"));
        }

        @Override public void open(Map<String, String> options) {
          field = options.get("field");
          if (field == null) {
            throw new IllegalArgumentException("option 'field' is required");
          }
          countField = options.getOrDefault("count_field", "email_count");
          String marker = options.get("close_marker");
          closeMarker = marker == null ? null : Path.of(marker);
        }

        @Override public boolean apply(Map<String, Object> event) {
          if (event.get(field) instanceof String text) {
            long count = EMAIL.matcher(text).results().count();
            event.put(field, EMAIL.matcher(text).replaceAll("***"));
            event.put(countField, count);
          }
          return true;
        }

        @Override public void close() throws Exception {
          if (closeMarker != null) {
            Files.writeString(closeMarker, "closed " + field);
          }
        }
      }
      """;

  /** Drops events whose option {@code field} has the text of option {@code value}. */
  static final String DROP_MATCHING =
      """
      package sample;

      import io.lakestream.api.transform.EventTransform;
      import java.util.Map;

      public final class DropMatching implements EventTransform {
        private String field;
        private String value;

        @Override public String name() { return "drop_matching"; }

        @Override public void open(Map<String, String> options) {
          field = options.get("field");
          value = options.get("value");
        }

        @Override public boolean apply(Map<String, Object> event) {
          return !value.equals(String.valueOf(event.get(field)));
        }
      }
      """;

  /**
   * Throws on events with an {@code explode} field: an {@code IllegalStateException} with option
   * {@code message} and the field's value, or an {@code OutOfMemoryError} when the value is {@code
   * oom}; puts the event into itself when the value is {@code loop}. Fails its own close when
   * option {@code fail_close} is set.
   */
  static final String EXPLODE =
      """
      package sample;

      import io.lakestream.api.transform.EventTransform;
      import java.util.Map;

      public final class Explode implements EventTransform {
        private String message;
        private boolean failClose;

        @Override public String name() { return "explode"; }

        @Override public void open(Map<String, String> options) {
          message = options.getOrDefault("message", "boom");
          failClose = options.containsKey("fail_close");
        }

        @Override public boolean apply(Map<String, Object> event) {
          Object value = event.get("explode");
          if ("oom".equals(value)) {
            throw new OutOfMemoryError("pretend");
          }
          if ("loop".equals(value)) {
            event.put("self", event);
            return true;
          }
          if (value != null) {
            throw new IllegalStateException(message + " " + value);
          }
          return true;
        }

        @Override public void close() {
          if (failClose) {
            throw new IllegalStateException("cannot close");
          }
        }
      }
      """;

  /** Appends option {@code text} to the added field {@code trail}, joined by {@code >}. */
  static final String APPEND =
      """
      package sample;

      import io.lakestream.api.transform.EventTransform;
      import java.util.Map;

      public final class Append implements EventTransform {
        private String text;

        @Override public String name() { return "append"; }

        @Override public Map<String, String> addedFields(Map<String, String> options) {
          return Map.of("trail", "string");
        }

        @Override public void open(Map<String, String> options) {
          text = options.get("text");
        }

        @Override public boolean apply(Map<String, Object> event) {
          event.merge("trail", text, (a, b) -> a + ">" + b);
          return true;
        }
      }
      """;

  /**
   * Records the Java types of the values it is given (nested ones by path) and adds values of types
   * JSON has no form for.
   */
  static final String DESCRIBE_TYPES =
      """
      package sample;

      import io.lakestream.api.transform.EventTransform;
      import java.time.Instant;
      import java.util.List;
      import java.util.Map;
      import java.util.TreeMap;

      public final class DescribeTypes implements EventTransform {
        @Override public String name() { return "describe_types"; }

        @Override public boolean apply(Map<String, Object> event) {
          Map<String, String> types = new TreeMap<>();
          describe("", event, types);
          event.put("types", types);
          event.put("seen_at", Instant.EPOCH);
          event.put("ratio", 0.25f);
          event.put("codes", new int[] {1, 2});
          return true;
        }

        private static void describe(String path, Object value, Map<String, String> types) {
          types.put(path.isEmpty() ? "/" : path, value == null ? "null" : value.getClass().getName());
          if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> describe(path + "/" + k, v, types));
          } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
              describe(path + "/" + i, list.get(i), types);
            }
          }
        }
      }
      """;

  /**
   * Adds whether the thread's context class loader was the plugin's in {@code open} and {@code
   * apply}.
   */
  static final String LOADER_CHECK =
      """
      package sample;

      import io.lakestream.api.transform.EventTransform;
      import java.util.Map;

      public final class LoaderCheck implements EventTransform {
        private boolean openSawPlugin;

        @Override public String name() { return "loader_check"; }

        @Override public void open(Map<String, String> options) {
          openSawPlugin = Thread.currentThread().getContextClassLoader() == getClass().getClassLoader();
        }

        @Override public boolean apply(Map<String, Object> event) {
          event.put("open_loader_is_plugin", openSawPlugin);
          event.put(
              "apply_loader_is_plugin",
              Thread.currentThread().getContextClassLoader() == getClass().getClassLoader());
          return true;
        }
      }
      """;

  private SampleTransforms() {}

  /** Builds a jar with all samples, listed in its services file. */
  static Path jar(Path dir) {
    Map<String, String> sources = new LinkedHashMap<>();
    sources.put("sample.MaskEmails", MASK_EMAILS);
    sources.put("sample.DropMatching", DROP_MATCHING);
    sources.put("sample.Explode", EXPLODE);
    sources.put("sample.Append", APPEND);
    sources.put("sample.DescribeTypes", DESCRIBE_TYPES);
    sources.put("sample.LoaderCheck", LOADER_CHECK);
    return PluginJars.build(
        dir,
        sources,
        Map.of(EventTransform.class.getName(), String.join("\n", sources.keySet()) + "\n"));
  }
}
