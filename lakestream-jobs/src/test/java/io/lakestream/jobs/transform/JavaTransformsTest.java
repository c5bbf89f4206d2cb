package io.lakestream.jobs.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.lakestream.api.config.ColumnType;
import io.lakestream.api.config.JavaTransformConfig;
import io.lakestream.api.transform.EventTransform;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaTransformsTest {

  @TempDir static Path dir;

  private static String jar;

  @BeforeAll
  static void buildJar() {
    jar = SampleTransforms.jar(dir).toString();
  }

  private static JavaTransformConfig t(String name, Map<String, String> options) {
    return new JavaTransformConfig(name, options);
  }

  @Test
  void mergesAddedFieldsOfAllTransformsInOrder() {
    Map<String, ColumnType> fields =
        JavaTransforms.addedFields(
            List.of(jar),
            List.of(
                t("mask_emails", Map.of("field", "message")),
                t("drop_matching", Map.of()),
                t("append", Map.of("text", "a")),
                t("mask_emails", Map.of("count_field", "at_count", "count_type", "int"))));

    assertThat(fields)
        .containsExactly(
            entry("email_count", ColumnType.LONG),
            entry("trail", ColumnType.STRING),
            entry("at_count", ColumnType.LONG));
  }

  @Test
  void noTransformsMeansNoFieldsWithoutOpeningJars() {
    assertThat(JavaTransforms.addedFields(List.of("/no/such/plugin.jar"), List.of())).isEmpty();
  }

  @Test
  void unknownNameListsJarAndAvailableNames() {
    assertThatThrownBy(
            () -> JavaTransforms.addedFields(List.of(jar), List.of(t("mask_email", Map.of()))))
        .isInstanceOf(TransformPluginException.class)
        .hasMessage(
            "no Java transform named 'mask_email' in "
                + jar
                + "; available: "
                + SampleTransforms.ALL_NAMES);
  }

  @Test
  void namesFromSeveralJarsAreAvailable() {
    String other =
        PluginJars.build(
                dir,
                Map.of(
                    "other.Noop",
                    """
                    package other;
                    public class Noop implements io.lakestream.api.transform.EventTransform {
                      public String name() { return "noop"; }
                      public boolean apply(java.util.Map<String, Object> e) { return true; }
                    }
                    """),
                Map.of(EventTransform.class.getName(), "other.Noop\n"))
            .toString();

    assertThat(JavaTransforms.addedFields(List.of(jar, other), List.of(t("noop", Map.of()))))
        .isEmpty();
    assertThatThrownBy(
            () -> JavaTransforms.addedFields(List.of(jar, other), List.of(t("nope", Map.of()))))
        .hasMessage(
            "no Java transform named 'nope' in "
                + jar
                + ", "
                + other
                + "; available: append, describe_types, drop_matching, explode, loader_check,"
                + " mask_emails, noop");
  }

  @Test
  void jarWithoutServicesFileSaysWhatToAdd() {
    String bare =
        PluginJars.build(dir, Map.of("sample.Append", SampleTransforms.APPEND), Map.of())
            .toString();

    assertThatThrownBy(
            () -> JavaTransforms.addedFields(List.of(bare), List.of(t("append", Map.of()))))
        .isInstanceOf(TransformPluginException.class)
        .hasMessage(
            "no Java transform named 'append': "
                + bare
                + " contains no EventTransform implementation; list the implementing class (one"
                + " fully qualified name per line) in"
                + " META-INF/services/io.lakestream.api.transform.EventTransform inside the jar");
  }

  @Test
  void noPluginJarsListed() {
    assertThatThrownBy(() -> JavaTransforms.addedFields(List.of(), List.of(t("append", Map.of()))))
        .hasMessage(
            "no Java transform named 'append': the pipeline file lists no jars under plugins:;"
                + " add the jar that holds it");
  }

  @Test
  void missingJarIsNamed() {
    String missing = dir.resolve("plugins/acme-transforms.jar").toString();

    assertThatThrownBy(
            () -> JavaTransforms.addedFields(List.of(jar, missing), List.of(t("append", Map.of()))))
        .isInstanceOf(TransformPluginException.class)
        .hasMessage(
            "plugin jar not found: " + missing + " (listed under plugins: in the pipeline file)");
  }

  @Test
  void fileThatIsNotAJarIsNamed() throws Exception {
    Path text = java.nio.file.Files.writeString(dir.resolve("notes.jar"), "not a zip");

    assertThatThrownBy(
            () -> JavaTransforms.addedFields(List.of(text.toString()), List.of(t("a", Map.of()))))
        .isInstanceOf(TransformPluginException.class)
        .hasMessageStartingWith("plugin jar " + text + " cannot be opened as a jar: ");
  }

  @Test
  void servicesFileNamingAMissingClassIsReported() {
    String broken =
        PluginJars.build(dir, Map.of(), Map.of(EventTransform.class.getName(), "sample.Missing\n"))
            .toString();

    assertThatThrownBy(() -> JavaTransforms.addedFields(List.of(broken), List.of(t("a", Map.of()))))
        .isInstanceOf(TransformPluginException.class)
        .hasMessageContaining(
            "cannot load the classes listed in"
                + " META-INF/services/io.lakestream.api.transform.EventTransform of "
                + broken)
        .hasMessageContaining("sample.Missing");
  }

  @Test
  void badTypeNameListsValidOnes() {
    assertThatThrownBy(
            () ->
                JavaTransforms.addedFields(
                    List.of(jar), List.of(t("mask_emails", Map.of("count_type", "decimal")))))
        .isInstanceOf(TransformPluginException.class)
        .hasMessage(
            "Java transform 'mask_emails' (sample.MaskEmails) adds field 'email_count' with"
                + " unknown type 'decimal'; valid types: string, long, double, boolean,"
                + " timestamp");
  }

  @Test
  void oneFieldWithTwoTypesIsRejected() {
    assertThatThrownBy(
            () ->
                JavaTransforms.addedFields(
                    List.of(jar),
                    List.of(
                        t("mask_emails", Map.of()),
                        t("mask_emails", Map.of("count_type", "string")))))
        .isInstanceOf(TransformPluginException.class)
        .hasMessage(
            "field 'email_count' is added as long by Java transform 'mask_emails' and as string"
                + " by 'mask_emails'; a column has one type");
  }

  @Test
  void twoClassesWithOneNameAreRejected() {
    String twin =
        PluginJars.build(
                dir,
                Map.of(
                    "twin.Append",
                    """
                    package twin;
                    public class Append implements io.lakestream.api.transform.EventTransform {
                      public String name() { return "append"; }
                      public boolean apply(java.util.Map<String, Object> e) { return true; }
                    }
                    """),
                Map.of(EventTransform.class.getName(), "twin.Append\n"))
            .toString();

    assertThatThrownBy(
            () -> JavaTransforms.addedFields(List.of(jar, twin), List.of(t("append", Map.of()))))
        .isInstanceOf(TransformPluginException.class)
        .hasMessage(
            "two Java transforms are named 'append': sample.Append and twin.Append (in "
                + jar
                + ", "
                + twin
                + "); rename one");
  }
}
