package io.lakestream.registry.compat;

import static io.lakestream.registry.compat.CompatibilityMatrixTest.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Bad input never crashes the parser: every case is a readable {@link InvalidSchemaException}. */
class ParsedSchemaTest {

  @Test
  void parsesValidSchemas() {
    ParsedSchema json = ParsedSchema.parse(SchemaType.JSON, q("{'type':'object'}"));
    ParsedSchema avro = ParsedSchema.parse(SchemaType.AVRO, q("{'type':'array','items':'long'}"));

    assertThat(json.type()).isEqualTo(SchemaType.JSON);
    assertThat(avro.type()).isEqualTo(SchemaType.AVRO);
    assertThat(((ParsedSchema.Avro) avro).schema().getElementType().getName()).isEqualTo("long");
  }

  @Test
  void malformedJsonSaysWhere() {
    assertThatThrownBy(() -> ParsedSchema.json(q("{'type':'object','properties':{'a':{'type':}}}")))
        .isInstanceOf(InvalidSchemaException.class)
        .hasMessageStartingWith("malformed JSON Schema at /properties/a/type (line 1, column");
  }

  @Test
  void duplicateKeysAreRejected() {
    assertThatThrownBy(() -> ParsedSchema.json(q("{'type':'string','type':'integer'}")))
        .isInstanceOf(InvalidSchemaException.class)
        .hasMessageContaining("Duplicate field 'type'");
  }

  @Test
  void trailingGarbageIsRejected() {
    assertThatThrownBy(() -> ParsedSchema.json(q("{'type':'string'} {}")))
        .isInstanceOf(InvalidSchemaException.class)
        .hasMessageContaining("malformed JSON Schema");
  }

  @Test
  void malformedAvroIsWrapped() {
    assertThatThrownBy(
            () ->
                ParsedSchema.avro(
                    q("{'type':'record','name':'R','fields':[{'name':'a','type':'nosuch'}]}")))
        .isInstanceOf(InvalidSchemaException.class)
        .hasMessageStartingWith("invalid Avro schema: ")
        .hasMessageContaining("nosuch");
    assertThatThrownBy(() -> ParsedSchema.avro("{\"type\":\"record\""))
        .isInstanceOf(InvalidSchemaException.class)
        .hasMessageStartingWith("malformed Avro schema");
  }

  @Test
  void avroBadDefaultIsRejected() {
    assertThatThrownBy(
            () ->
                ParsedSchema.avro(
                    q(
                        "{'type':'record','name':'R','fields':[{'name':'a','type':'int',"
                            + "'default':'x'}]}")))
        .isInstanceOf(InvalidSchemaException.class)
        .hasMessageContaining("invalid Avro schema");
  }

  @Test
  void remoteRefIsRefusedWithoutFetching() {
    // Port 9 (discard) on loopback: a fetch would hang or fail slowly; refusal is immediate.
    String schema =
        q("{'type':'object','properties':{'a':{'$ref':'http://127.0.0.1:9/schema.json'}}}");

    InvalidSchemaException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(2),
            () -> {
              try {
                ParsedSchema.json(schema);
                return null;
              } catch (InvalidSchemaException thrown) {
                return thrown;
              }
            });

    assertThat(e)
        .isNotNull()
        .hasMessage(
            "remote $ref 'http://127.0.0.1:9/schema.json' at /properties/a is not allowed;"
                + " registered schemas must be self-contained (use a local reference such as"
                + " '#/$defs/name')");
  }

  @Test
  void relativeAndDynamicRefsAreRefused() {
    assertThatThrownBy(() -> ParsedSchema.json(q("{'items':{'$ref':'other.json#/a'}}")))
        .isInstanceOf(InvalidSchemaException.class)
        .hasMessageContaining("non-local $ref 'other.json#/a' at /items");
    assertThatThrownBy(() -> ParsedSchema.json(q("{'$dynamicRef':'#meta'}")))
        .isInstanceOf(InvalidSchemaException.class)
        .hasMessageContaining("/$dynamicRef");
  }

  @Test
  void unresolvableLocalRefIsRefused() {
    assertThatThrownBy(() -> ParsedSchema.json(q("{'$ref':'#/$defs/missing'}")))
        .isInstanceOf(InvalidSchemaException.class)
        .hasMessage("$ref '#/$defs/missing' at / does not resolve to anything in this schema");
  }

  @Test
  void refInsideDataIsNotAReference() {
    ParsedSchema schema =
        ParsedSchema.json(q("{'type':'object','default':{'$ref':'http://example.com/'}}"));
    assertThat(schema.type()).isEqualTo(SchemaType.JSON);
  }

  @Test
  void malformedKeywordsNameTheirPointer() {
    assertThatThrownBy(() -> ParsedSchema.json(q("{'properties':{'a':{'type':'text'}}}")))
        .isInstanceOf(InvalidSchemaException.class)
        .hasMessageStartingWith("invalid JSON Schema at /properties/a/type: unknown type 'text'");
    assertThatThrownBy(() -> ParsedSchema.json(q("{'required':'a'}")))
        .isInstanceOf(InvalidSchemaException.class)
        .hasMessageContaining("/required");
    assertThatThrownBy(() -> ParsedSchema.json("[1,2]"))
        .isInstanceOf(InvalidSchemaException.class)
        .hasMessageContaining("must be an object or a boolean");
  }

  @ParameterizedTest
  @EnumSource(SchemaType.class)
  void nesting10000DeepIsRefusedCleanly(SchemaType type) {
    StringBuilder deep = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      deep.append(type == SchemaType.JSON ? "{\"items\":" : "{\"type\":\"array\",\"items\":");
    }
    deep.append("\"string\"".replace("\"string\"", type == SchemaType.JSON ? "true" : "\"int\""));
    deep.append("}".repeat(10_000));

    assertThatThrownBy(() -> ParsedSchema.parse(type, deep.toString()))
        .isInstanceOf(InvalidSchemaException.class)
        .hasMessageContaining("nests deeper than 128 levels at /items/items/items");
  }

  @Test
  void unbalancedDeepArraysAreRefusedCleanly() {
    assertThatThrownBy(() -> ParsedSchema.json("[".repeat(10_000)))
        .isInstanceOf(InvalidSchemaException.class)
        .hasMessageContaining("nests deeper than 128");
  }

  @ParameterizedTest
  @EnumSource(SchemaType.class)
  void fiveMegabyteSchemaIsRefusedCleanly(SchemaType type) {
    String huge = "{\"type\":\"string\",\"description\":\"" + "x".repeat(5 << 20) + "\"}";

    assertThatThrownBy(() -> ParsedSchema.parse(type, huge))
        .isInstanceOf(InvalidSchemaException.class)
        .hasMessageContaining("the limit is 1048576");
  }

  @Test
  void tooManyPropertiesAreRefused() {
    StringBuilder props = new StringBuilder("{\"properties\":{");
    for (int i = 0; i < 1_001; i++) {
      props.append(i == 0 ? "" : ",").append("\"p").append(i).append("\":true");
    }
    props.append("}}");

    assertThatThrownBy(() -> ParsedSchema.json(props.toString()))
        .isInstanceOf(InvalidSchemaException.class)
        .hasMessage("JSON Schema object at /properties has more than 1000 members");
  }

  @Test
  void emptyInputIsRefused() {
    assertThatThrownBy(() -> ParsedSchema.json("  "))
        .isInstanceOf(InvalidSchemaException.class)
        .hasMessage("JSON Schema document is empty");
    assertThatThrownBy(() -> ParsedSchema.avro(null))
        .isInstanceOf(InvalidSchemaException.class)
        .hasMessage("Avro schema document is empty");
  }

  @Test
  void documentIsDefensivelyCopied() {
    ParsedSchema.Json schema = ParsedSchema.json(q("{'type':'string'}"));
    ((com.fasterxml.jackson.databind.node.ObjectNode) schema.document()).put("type", "integer");

    assertThat(schema.document().get("type").asText()).isEqualTo("string");
  }
}
