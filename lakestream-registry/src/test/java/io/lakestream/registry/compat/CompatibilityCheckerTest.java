package io.lakestream.registry.compat;

import static io.lakestream.registry.compat.CompatibilityMatrixTest.obj;
import static io.lakestream.registry.compat.CompatibilityMatrixTest.q;
import static io.lakestream.registry.compat.CompatibilityMatrixTest.rec;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CompatibilityCheckerTest {

  private final CompatibilityChecker checker = new CompatibilityChecker();

  private static ParsedSchema json(String text) {
    return ParsedSchema.json(q(text));
  }

  private static ParsedSchema avro(String text) {
    return ParsedSchema.avro(q(text));
  }

  @Test
  void messageNamesPathOldTypeNewTypeDirectionAndVersion() {
    ParsedSchema v1 = json(obj("'qty':{'type':'integer'}", ""));
    ParsedSchema v2 = json(obj("'qty':{'type':'integer'},'note':{'type':'string'}", ""));
    ParsedSchema v3 = json(obj("'qty':{'type':'integer'}", ""));
    ParsedSchema proposed = json(obj("'qty':{'type':'string'}", ""));

    List<Incompatibility> result =
        checker.check(proposed, List.of(v1, v2, v3), CompatibilityLevel.BACKWARD);

    assertThat(result)
        .containsExactly(
            new Incompatibility(
                "/properties/qty",
                "TYPE_CHANGED",
                "integer",
                "string",
                "/properties/qty: type changed from integer to string (BACKWARD: data written"
                    + " with version 3 has an integer here, which the new schema rejects)"));
  }

  @Test
  void forwardMessageBlamesTheOldReader() {
    ParsedSchema v1 = json(obj("'c':{'enum':['RED']}", ""));
    ParsedSchema proposed = json(obj("'c':{'enum':['RED','BLUE']}", ""));

    List<Incompatibility> result = checker.check(proposed, List.of(v1), CompatibilityLevel.FULL);

    assertThat(result).hasSize(1);
    assertThat(result.get(0).message())
        .isEqualTo(
            "/properties/c: enum changed from [\"RED\"] to [\"RED\", \"BLUE\"] (FORWARD: data"
                + " written with the new schema may have [\"BLUE\"] here, which version 1"
                + " rejects)");
  }

  @Test
  void requiredPropertyMessageNamesTheProperty() {
    ParsedSchema v1 = json(obj("'a':{'type':'string'}", ""));
    ParsedSchema proposed = json(obj("'a':{'type':'string'},'b':{'type':'integer'}", "'b'"));

    List<Incompatibility> result =
        checker.check(proposed, List.of(v1), CompatibilityLevel.BACKWARD);

    assertThat(result)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.path()).isEqualTo("/properties/b");
              assertThat(i.kind()).isEqualTo("PROPERTY_REQUIRED");
              assertThat(i.oldType()).isEqualTo("absent");
              assertThat(i.newType()).isEqualTo("required");
              assertThat(i.message()).contains("version 1 may omit 'b'");
            });
  }

  @Test
  void avroMessageNamesFieldAndTypes() {
    ParsedSchema v1 = avro(rec("{'name':'qty','type':'long'}"));
    ParsedSchema proposed = avro(rec("{'name':'qty','type':'int'}"));

    List<Incompatibility> result =
        checker.check(proposed, List.of(v1), CompatibilityLevel.BACKWARD);

    assertThat(result)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.path()).isEqualTo("/fields/qty/type");
              assertThat(i.kind()).isEqualTo("TYPE_MISMATCH");
              assertThat(i.oldType()).isEqualTo("long");
              assertThat(i.newType()).isEqualTo("int");
              assertThat(i.message())
                  .isEqualTo(
                      "/fields/qty/type: type changed from long to int (BACKWARD: data written"
                          + " with version 1 has long here, which the new schema cannot read as"
                          + " int)");
            });
  }

  @Test
  void avroMissingDefaultAndEnumSymbolsAreNamed() {
    ParsedSchema v1 =
        avro(rec("{'name':'c','type':{'type':'enum','name':'Colour','symbols':['RED','BLUE']}}"));
    ParsedSchema proposed =
        avro(
            rec(
                "{'name':'c','type':{'type':'enum','name':'Colour','symbols':['RED']}},"
                    + "{'name':'qty','type':'int'}"));

    List<Incompatibility> result =
        checker.check(proposed, List.of(v1), CompatibilityLevel.BACKWARD);

    assertThat(result)
        .extracting(Incompatibility::kind)
        .containsExactlyInAnyOrder("MISSING_ENUM_SYMBOLS", "READER_FIELD_MISSING_DEFAULT_VALUE");
    assertThat(result)
        .extracting(Incompatibility::message)
        .anySatisfy(m -> assertThat(m).contains("/fields/c/type").contains("[BLUE]"))
        .anySatisfy(m -> assertThat(m).contains("no field 'qty'").contains("int without default"));
  }

  /** v3 reintroduces a property v2 dropped, with a type v1 used differently. */
  @Test
  void transitiveLevelsCompareWithEveryVersion_json() {
    ParsedSchema v1 = json(obj("'a':{'type':'string'},'b':{'type':'string'}", ""));
    ParsedSchema v2 = json(obj("'b':{'type':'string'}", ""));
    ParsedSchema v3 = json(obj("'a':{'type':'integer'},'b':{'type':'string'}", ""));

    assertTransitiveOnlyFailsAgainstV1(v1, v2, v3, "/properties/a");
  }

  @Test
  void transitiveLevelsCompareWithEveryVersion_avro() {
    ParsedSchema v1 =
        avro(rec("{'name':'a','type':'string','default':''},{'name':'b','type':'string'}"));
    ParsedSchema v2 = avro(rec("{'name':'b','type':'string'}"));
    ParsedSchema v3 =
        avro(rec("{'name':'a','type':'int','default':0},{'name':'b','type':'string'}"));

    assertTransitiveOnlyFailsAgainstV1(v1, v2, v3, "/fields/a/type");
  }

  private void assertTransitiveOnlyFailsAgainstV1(
      ParsedSchema v1, ParsedSchema v2, ParsedSchema v3, String path) {
    List<ParsedSchema> history = List.of(v1, v2);
    assertThat(checker.check(v3, history, CompatibilityLevel.BACKWARD)).isEmpty();
    assertThat(checker.check(v3, history, CompatibilityLevel.FORWARD)).isEmpty();
    assertThat(checker.check(v3, history, CompatibilityLevel.FULL)).isEmpty();
    for (CompatibilityLevel level :
        List.of(
            CompatibilityLevel.BACKWARD_TRANSITIVE,
            CompatibilityLevel.FORWARD_TRANSITIVE,
            CompatibilityLevel.FULL_TRANSITIVE)) {
      assertThat(checker.check(v3, history, level))
          .as(level.name())
          .isNotEmpty()
          .allSatisfy(
              i -> {
                assertThat(i.path()).isEqualTo(path);
                assertThat(i.message()).contains("version 1").doesNotContain("version 2");
              });
    }
  }

  @ParameterizedTest
  @EnumSource(CompatibilityLevel.class)
  void firstVersionIsAlwaysCompatible(CompatibilityLevel level) {
    assertThat(checker.check(json("{'type':'string'}"), List.of(), level)).isEmpty();
  }

  @Test
  void changingSchemaTypeIsIncompatible() {
    List<Incompatibility> result =
        checker.check(
            json("{'type':'string'}"), List.of(avro("'string'")), CompatibilityLevel.BACKWARD);

    assertThat(result)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.kind()).isEqualTo("SCHEMA_TYPE_CHANGED");
              assertThat(i.oldType()).isEqualTo("AVRO");
              assertThat(i.newType()).isEqualTo("JSON");
            });
  }

  @Test
  void closingAnOpenContentModelIsForwardOnly() {
    ParsedSchema open = json(obj("'a':{'type':'string'}", ""));
    ParsedSchema closed =
        json("{'type':'object','properties':{'a':{'type':'string'}},'additionalProperties':false}");

    assertThat(checker.check(closed, List.of(open), CompatibilityLevel.BACKWARD))
        .extracting(Incompatibility::kind)
        .containsExactly("CONTENT_MODEL_CLOSED");
    assertThat(checker.check(closed, List.of(open), CompatibilityLevel.FORWARD)).isEmpty();
  }

  @Test
  void removingAPropertyFromAClosedModelIsNotBackward() {
    ParsedSchema v1 =
        json(
            "{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'string'}},"
                + "'additionalProperties':false}");
    ParsedSchema v2 =
        json("{'type':'object','properties':{'a':{'type':'string'}},'additionalProperties':false}");

    assertThat(checker.check(v2, List.of(v1), CompatibilityLevel.BACKWARD))
        .extracting(Incompatibility::kind, Incompatibility::path)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("PROPERTY_NOT_ALLOWED", "/properties/b"));
    assertThat(checker.check(v2, List.of(v1), CompatibilityLevel.FORWARD)).isEmpty();
  }

  @Test
  void unprovableKeywordsSayTheyCouldNotBeProven() {
    ParsedSchema v1 = json("{'anyOf':[{'type':'string'},{'type':'integer'}]}");
    ParsedSchema v2 = json("{'anyOf':[{'type':'string'},{'type':'integer'},{'type':'null'}]}");

    assertThat(checker.check(v2, List.of(v1), CompatibilityLevel.BACKWARD))
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.kind()).isEqualTo("UNPROVABLE");
              assertThat(i.path()).isEqualTo("/anyOf");
              assertThat(i.message()).contains("could not be proven");
            });
    // Identical opaque keywords are fine.
    assertThat(checker.check(v1, List.of(v1), CompatibilityLevel.FULL_TRANSITIVE)).isEmpty();
  }

  @Test
  void localRefsAreResolvedAndRecursiveSchemasTerminate() {
    String tree =
        "{'$defs':{'node':{'type':'object','properties':{'value':{'type':'%s'},"
            + "'children':{'type':'array','items':{'$ref':'#/$defs/node'}}}}},"
            + "'$ref':'#/$defs/node'}";
    ParsedSchema intTree = json(tree.formatted("integer"));
    ParsedSchema numberTree = json(tree.formatted("number"));

    assertThat(checker.check(intTree, List.of(intTree), CompatibilityLevel.FULL)).isEmpty();
    assertThat(checker.check(numberTree, List.of(intTree), CompatibilityLevel.BACKWARD)).isEmpty();
    assertThat(checker.check(numberTree, List.of(intTree), CompatibilityLevel.FORWARD))
        .extracting(Incompatibility::path)
        .contains("/properties/value");
  }

  @Test
  void boundsCompareExclusiveAndInclusive() {
    ParsedSchema inclusive = json("{'type':'number','minimum':0}");
    ParsedSchema exclusive = json("{'type':'number','exclusiveMinimum':0}");

    assertThat(checker.check(inclusive, List.of(exclusive), CompatibilityLevel.BACKWARD)).isEmpty();
    assertThat(checker.check(exclusive, List.of(inclusive), CompatibilityLevel.BACKWARD))
        .extracting(Incompatibility::kind)
        .containsExactly("CONSTRAINT_TIGHTENED");
  }

  @Test
  void booleanSchemas() {
    ParsedSchema anything = json("true");
    ParsedSchema string = json("{'type':'string'}");

    assertThat(checker.check(anything, List.of(string), CompatibilityLevel.BACKWARD)).isEmpty();
    assertThat(checker.check(string, List.of(anything), CompatibilityLevel.BACKWARD))
        .extracting(Incompatibility::oldType, Incompatibility::newType)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("any", "string"));
  }
}
