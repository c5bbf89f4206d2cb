package io.lakestream.gateway.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BatchParserTest {

  private static EventBatch parse(String body, BodyFormat format) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    return new BatchParser("device_id").parse(b, b.length, format);
  }

  private static EventBatch parse(String body) {
    return parse(body, BodyFormat.DETECT);
  }

  private static String span(String body, EventBatch batch, int i) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    return new String(b, batch.start(i), batch.length(i), StandardCharsets.UTF_8);
  }

  private static String key(EventBatch batch, int i) {
    return batch.key(i) == null ? null : new String(batch.key(i), StandardCharsets.UTF_8);
  }

  private static RequestRejected rejected(String body) {
    return catchThrowableOfType(RequestRejected.class, () -> parse(body));
  }

  @Test
  void prettyPrintedSingleObjectIsOneEventWithoutBom() {
    String body = "\uFEFF\n{\n  \"device_id\": \"d1\",\n  \"id\": \"x\"\n}\n\n";
    EventBatch batch = parse(body);

    assertThat(batch.kind()).isEqualTo(EventBatch.Kind.SINGLE);
    assertThat(batch.size()).isEqualTo(1);
    assertThat(span(body, batch, 0)).isEqualTo("{\n  \"device_id\": \"d1\",\n  \"id\": \"x\"\n}");
    assertThat(batch.id(0)).isEqualTo("x");
    assertThat(key(batch, 0)).isEqualTo("d1");
  }

  @Test
  void idAndKeyRules() {
    String body =
        "{\"id\":12.50,\"device_id\":{\"nested\":1}}\n"
            + "{\"id\":true,\"device_id\":-3e2}\n"
            + "{\"id\":\"a\",\"id\":\"b\",\"device_id\":null}\n"
            + "{\"deep\":{\"id\":\"no\",\"device_id\":\"no\"},\"device_id\":\"\"}\n";
    EventBatch batch = parse(body, BodyFormat.NDJSON);

    assertThat(batch.size()).isEqualTo(4);
    assertThat(batch.id(0)).isEqualTo("12.50");
    assertThat(batch.key(0)).as("object key counts as absent").isNull();
    assertThat(batch.id(1)).as("boolean id is not an id").hasSize(36);
    assertThat(key(batch, 1)).isEqualTo("-3e2");
    assertThat(batch.id(2)).as("last duplicate wins, as in a JSON tree").isEqualTo("b");
    assertThat(batch.key(2)).isNull();
    assertThat(batch.id(3)).hasSize(36);
    assertThat(key(batch, 3)).as("nested fields are not top-level").isEqualTo("");
  }

  @Test
  void keyFieldMayBeTheIdField() {
    byte[] b = "{\"id\":\"k1\"}".getBytes(StandardCharsets.UTF_8);
    EventBatch batch = new BatchParser("id").parse(b, b.length, BodyFormat.DETECT);
    assertThat(batch.id(0)).isEqualTo("k1");
    assertThat(new String(batch.key(0), StandardCharsets.UTF_8)).isEqualTo("k1");
  }

  @Test
  void prettyObjectsOneAfterAnotherAreASequence() {
    String body = "{\n\"id\":\"a\"\n}\n{\"id\":\"b\",\"device_id\":\"d2\"}";
    EventBatch batch = parse(body);
    assertThat(batch.size()).isEqualTo(2);
    assertThat(span(body, batch, 0)).isEqualTo("{\n\"id\":\"a\"\n}");
    assertThat(span(body, batch, 1)).isEqualTo("{\"id\":\"b\",\"device_id\":\"d2\"}");
    assertThat(key(batch, 1)).isEqualTo("d2");
  }

  @Test
  void objectsBackToBackAreASequenceAsCurlDashDSendsNdjson() {
    // `curl -d @file.ndjson` strips the newlines of the file
    String body = "{\"id\":\"a\",\"device_id\":\"d1\"}{\"id\":\"b\"} {\"id\":\"c\"}";
    EventBatch batch = parse(body);
    assertThat(batch.size()).isEqualTo(3);
    assertThat(batch.id(0)).isEqualTo("a");
    assertThat(batch.id(2)).isEqualTo("c");
    assertThat(span(body, batch, 1)).isEqualTo("{\"id\":\"b\"}");
    assertThat(key(batch, 0)).isEqualTo("d1");
  }

  @Test
  void malformedValueInASequenceRejectsTheRequestWithItsPosition() {
    RequestRejected r = rejected("{\"a\":1}{\"b\":}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("malformed_json");
    assertThat(r.line()).isEqualTo(1);
    assertThat(r.column()).isEqualTo(13); // the "}" where a value should be

    RequestRejected notObject = rejected("{\"a\":1} {\"b\":2} 3");
    assertThat(notObject.code()).isEqualTo("not_an_object");
    assertThat(notObject.index()).isEqualTo(2);
  }

  @Test
  void contentAfterTheObjectThatIsNotAnObjectIsRejected() {
    RequestRejected r = rejected("{\"a\":1} [1]");
    assertThat(r.code()).isEqualTo("malformed_json");
    assertThat(r.getMessage()).startsWith("unexpected content after the JSON object");
    assertThat(r.line()).isEqualTo(1);
    assertThat(r.column()).isEqualTo(9);

    RequestRejected array = rejected("[{\"a\":1}]\n]");
    assertThat(array.getMessage()).startsWith("unexpected content after the JSON array");
    assertThat(array.line()).isEqualTo(2);
  }

  @Test
  void ndjsonWithBadFirstLineIsStillDetected() {
    String body = "{\"a\":\n{\"b\":2}\n  {\"c\":3}\n";
    EventBatch batch = parse(body);

    assertThat(batch.kind()).isEqualTo(EventBatch.Kind.NDJSON);
    assertThat(batch.quarantined()).isEqualTo(1);
    assertThat(batch.accepted()).isEqualTo(2);
    assertThat(batch.error(0)).contains("end-of-input");
    assertThat(batch.error(0)).doesNotContain("Source");
    assertThat(span(body, batch, 2)).isEqualTo("  {\"c\":3}");
    assertThat(batch.position(2)).isEqualTo(3);
  }

  @Test
  void singleLineMalformedObjectIsRejectedWithReadableMessage() {
    RequestRejected r = rejected("{\"a\":1");
    assertThat(r.code()).isEqualTo("malformed_json");
    assertThat(r.getMessage())
        .isEqualTo(
            "Unexpected end-of-input: expected close marker for Object (start marker at line 1,"
                + " column 1)");
    assertThat(r.line()).isEqualTo(1);
  }

  @Test
  void columnsCountCharactersNotBytes() {
    RequestRejected r = rejected("{\"\u00e9\u00e9\":tru}");
    assertThat(r.line()).isEqualTo(1);
    assertThat(r.column()).isEqualTo(7);

    EventBatch batch = parse("{\"\u2603\":1,}\n{}", BodyFormat.NDJSON);
    assertThat(batch.errorColumn(0)).isEqualTo(8);
  }

  @Test
  void scalarBodiesAreNotObjects() {
    RequestRejected number = rejected("  42 ");
    assertThat(number.code()).isEqualTo("not_an_object");
    assertThat(number.getMessage()).startsWith("the body is a number");
    assertThat(number.column()).isEqualTo(3);

    assertThat(rejected("hello").code()).isEqualTo("malformed_json");
  }

  @Test
  void excessiveNestingIsMalformedNotACrash() {
    String deep = "{\"a\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";
    assertThat(rejected(deep).code()).isEqualTo("malformed_json");

    EventBatch batch = parse(deep + "\n{}", BodyFormat.NDJSON);
    assertThat(batch.quarantined()).isEqualTo(1);
    assertThat(batch.accepted()).isEqualTo(1);
  }

  @Test
  void blankNdjsonBodyIsEmpty() {
    assertThatThrownBy(() -> parse("\n\r\n  \n", BodyFormat.NDJSON))
        .isInstanceOfSatisfying(
            RequestRejected.class, r -> assertThat(r.code()).isEqualTo("empty_body"));
  }

  @Test
  void manyLinesGrowTheBatch() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 1_000; i++) {
      sb.append("{\"id\":").append(i).append(",\"device_id\":\"d").append(i % 7).append("\"}\n");
    }
    String body = sb.toString();
    EventBatch batch = parse(body);

    assertThat(batch.size()).isEqualTo(1_000);
    assertThat(batch.id(999)).isEqualTo("999");
    assertThat(key(batch, 999)).isEqualTo("d5");
    assertThat(span(body, batch, 500)).isEqualTo("{\"id\":500,\"device_id\":\"d3\"}");
    assertThat(batch.position(999)).isEqualTo(1_000);
  }
}
