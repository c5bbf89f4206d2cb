package io.lakestream.registry.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The compatibility matrix: each schema change, for JSON Schema and Avro, under each level. */
class CompatibilityMatrixTest {

  private final CompatibilityChecker checker = new CompatibilityChecker();

  /** One evolution step with its expected verdicts in each direction. */
  record Change(
      String name,
      SchemaType type,
      String oldSchema,
      String newSchema,
      boolean backward,
      boolean forward) {
    @Override
    public String toString() {
      return type + " " + name;
    }
  }

  static List<Change> changes() {
    return List.of(
        // JSON Schema; open content model (no additionalProperties), as most schemas are.
        json(
            "add optional property",
            obj("'a':{'type':'string'}", ""),
            obj("'a':{'type':'string'},'b':{'type':'string'}", ""),
            true,
            true),
        json(
            "add required property",
            obj("'a':{'type':'string'}", "'a'"),
            obj("'a':{'type':'string'},'b':{'type':'string'}", "'a','b'"),
            false,
            true),
        json(
            "remove optional property",
            obj("'a':{'type':'string'},'b':{'type':'string'}", ""),
            obj("'a':{'type':'string'}", ""),
            true,
            true),
        json(
            "remove required property",
            obj("'a':{'type':'string'},'b':{'type':'string'}", "'a','b'"),
            obj("'a':{'type':'string'}", "'a'"),
            true,
            false),
        json(
            "widen integer to number",
            obj("'q':{'type':'integer'}", ""),
            obj("'q':{'type':'number'}", ""),
            true,
            false),
        json(
            "narrow number to integer",
            obj("'q':{'type':'number'}", ""),
            obj("'q':{'type':'integer'}", ""),
            false,
            true),
        json(
            "add type union member",
            obj("'q':{'type':'string'}", ""),
            obj("'q':{'type':['string','null']}", ""),
            true,
            false),
        json(
            "change string to integer",
            obj("'q':{'type':'string'}", ""),
            obj("'q':{'type':'integer'}", ""),
            false,
            false),
        json(
            "add enum value",
            obj("'c':{'enum':['RED','GREEN']}", ""),
            obj("'c':{'enum':['RED','GREEN','BLUE']}", ""),
            true,
            false),
        json(
            "remove enum value",
            obj("'c':{'enum':['RED','GREEN','BLUE']}", ""),
            obj("'c':{'enum':['RED','GREEN']}", ""),
            false,
            true),
        json(
            "tighten maxLength",
            obj("'s':{'type':'string','maxLength':20}", ""),
            obj("'s':{'type':'string','maxLength':10}", ""),
            false,
            true),
        json(
            "loosen minimum",
            obj("'n':{'type':'integer','minimum':5}", ""),
            obj("'n':{'type':'integer','minimum':0}", ""),
            true,
            false),
        json(
            "change format",
            obj("'d':{'type':'string','format':'date'}", ""),
            obj("'d':{'type':'string','format':'date-time'}", ""),
            false,
            false),
        json(
            "nested object gains required property",
            obj("'o':" + obj("'x':{'type':'integer'}", "'x'"), ""),
            obj("'o':" + obj("'x':{'type':'integer'},'y':{'type':'integer'}", "'x','y'"), ""),
            false,
            true),
        json(
            "array items widen",
            obj("'l':{'type':'array','items':{'type':'integer'}}", ""),
            obj("'l':{'type':'array','items':{'type':'number'}}", ""),
            true,
            false),
        json(
            "oneOf changed (unprovable)",
            obj("'u':{'oneOf':[{'type':'string'},{'type':'integer'}]}", ""),
            obj("'u':{'oneOf':[{'type':'string'},{'type':'number'}]}", ""),
            false,
            false),
        // Avro, per the specification's schema resolution rules.
        avro(
            "add optional field",
            rec("{'name':'a','type':'string'}"),
            rec("{'name':'a','type':'string'},{'name':'b','type':'string','default':''}"),
            true,
            true),
        avro(
            "add required field",
            rec("{'name':'a','type':'string'}"),
            rec("{'name':'a','type':'string'},{'name':'b','type':'string'}"),
            false,
            true),
        avro(
            "remove optional field",
            rec("{'name':'a','type':'string'},{'name':'b','type':'string','default':''}"),
            rec("{'name':'a','type':'string'}"),
            true,
            true),
        avro(
            "remove required field",
            rec("{'name':'a','type':'string'},{'name':'b','type':'string'}"),
            rec("{'name':'a','type':'string'}"),
            true,
            false),
        avro(
            "widen int to long",
            rec("{'name':'q','type':'int'}"),
            rec("{'name':'q','type':'long'}"),
            true,
            false),
        avro(
            "widen float to double",
            rec("{'name':'q','type':'float'}"),
            rec("{'name':'q','type':'double'}"),
            true,
            false),
        // Avro promotes string to bytes and bytes to string, so this is fully compatible.
        avro(
            "string to bytes",
            rec("{'name':'q','type':'string'}"),
            rec("{'name':'q','type':'bytes'}"),
            true,
            true),
        avro(
            "narrow long to int",
            rec("{'name':'q','type':'long'}"),
            rec("{'name':'q','type':'int'}"),
            false,
            true),
        avro(
            "change string to int",
            rec("{'name':'q','type':'string'}"),
            rec("{'name':'q','type':'int'}"),
            false,
            false),
        avro(
            "add enum symbol",
            rec(avroEnum("'RED','GREEN'")),
            rec(avroEnum("'RED','GREEN','BLUE'")),
            true,
            false),
        avro(
            "remove enum symbol",
            rec(avroEnum("'RED','GREEN','BLUE'")),
            rec(avroEnum("'RED','GREEN'")),
            false,
            true),
        avro(
            "add union branch",
            rec("{'name':'q','type':['null','string']}"),
            rec("{'name':'q','type':['null','string','int']}"),
            true,
            false));
  }

  static Stream<Arguments> matrix() {
    List<CompatibilityLevel> levels =
        List.of(
            CompatibilityLevel.NONE,
            CompatibilityLevel.BACKWARD,
            CompatibilityLevel.FORWARD,
            CompatibilityLevel.FULL);
    return changes().stream()
        .flatMap(change -> levels.stream().map(level -> Arguments.of(change, level)));
  }

  @ParameterizedTest(name = "{0} under {1}")
  @MethodSource("matrix")
  void verdictMatchesExpectation(Change change, CompatibilityLevel level) {
    ParsedSchema oldSchema = ParsedSchema.parse(change.type(), change.oldSchema());
    ParsedSchema newSchema = ParsedSchema.parse(change.type(), change.newSchema());
    boolean expected =
        switch (level) {
          case NONE -> true;
          case BACKWARD -> change.backward();
          case FORWARD -> change.forward();
          case FULL -> change.backward() && change.forward();
          default -> throw new IllegalArgumentException(level.name());
        };

    List<Incompatibility> result = checker.check(newSchema, List.of(oldSchema), level);

    assertThat(result.isEmpty()).as("compatible? %s", result).isEqualTo(expected);
    assertThat(result)
        .allSatisfy(
            i -> {
              assertThat(i.message()).startsWith(i.path() + ": ");
              assertThat(i.message()).contains(i.oldType()).contains(i.newType());
              assertThat(i.message()).containsAnyOf("(BACKWARD: ", "(FORWARD: ");
            });
  }

  private static Change json(
      String name, String oldSchema, String newSchema, boolean backward, boolean forward) {
    return new Change(name, SchemaType.JSON, q(oldSchema), q(newSchema), backward, forward);
  }

  private static Change avro(
      String name, String oldSchema, String newSchema, boolean backward, boolean forward) {
    return new Change(name, SchemaType.AVRO, q(oldSchema), q(newSchema), backward, forward);
  }

  static String obj(String properties, String required) {
    return "{'type':'object','properties':{" + properties + "},'required':[" + required + "]}";
  }

  static String rec(String fields) {
    return "{'type':'record','name':'Order','namespace':'shop','fields':[" + fields + "]}";
  }

  private static String avroEnum(String symbols) {
    return "{'name':'c','type':{'type':'enum','name':'Colour','symbols':[" + symbols + "]}}";
  }

  /** Single quotes keep the schemas readable in Java source. */
  static String q(String text) {
    return text.replace('\'', '"');
  }
}
