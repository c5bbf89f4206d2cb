package io.lakestream.jobs.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.api.config.JavaTransformConfig;
import io.lakestream.jobs.transform.JavaTransformChain.Outcome;
import io.lakestream.jobs.transform.JavaTransformChain.Outcome.Kind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaTransformChainTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;

  private static String jar;

  /** Chains opened by a test, closed after it even when it fails. */
  private final List<JavaTransformChain> opened = new ArrayList<>();

  @BeforeAll
  static void buildJar() {
    jar = SampleTransforms.jar(dir).toString();
  }

  @AfterEach
  void closeChains() {
    opened.forEach(JavaTransformChain::close);
  }

  private static JavaTransformConfig t(String name, Map<String, String> options) {
    return new JavaTransformConfig(name, options);
  }

  private JavaTransformChain open(JavaTransformConfig... transforms) {
    JavaTransformChain chain = new JavaTransformChain(List.of(jar), List.of(transforms));
    chain.open();
    opened.add(chain);
    return chain;
  }

  private static ObjectNode json(String text) throws Exception {
    return (ObjectNode) JSON.readTree(text);
  }

  @Test
  void keptEventHasRewrittenAndAddedFields() throws Exception {
    JavaTransformChain chain = open(t("mask_emails", Map.of("field", "message")));
    ObjectNode in = json("{\"id\":\"e1\",\"message\":\"ask bob@example.com or amy@x.org\"}");

    Outcome out = chain.apply(in);

    assertThat(out.kind()).isEqualTo(Kind.KEPT);
    assertThat(out.transform()).isNull();
    assertThat(out.reason()).isNull();
    // Field order is kept; the added field comes last.
    assertThat(out.payload().toString())
        .isEqualTo("{\"id\":\"e1\",\"message\":\"ask *** or ***\",\"email_count\":2}");
    // The transforms work on a copy; the caller's node is as it was.
    assertThat(in)
        .isEqualTo(json("{\"id\":\"e1\",\"message\":\"ask bob@example.com or amy@x.org\"}"));
  }

  @Test
  void openOptionsReachTheTransform() throws Exception {
    JavaTransformChain chain = open(t("mask_emails", Map.of("field", "text", "count_field", "n")));

    Outcome out = chain.apply(json("{\"message\":\"a@b.c\",\"text\":\"d@e.f\"}"));

    assertThat(out.payload().toString())
        .isEqualTo("{\"message\":\"a@b.c\",\"text\":\"***\",\"n\":1}");
  }

  @Test
  void eachEntryIsItsOwnInstance() throws Exception {
    JavaTransformChain chain =
        open(
            t("mask_emails", Map.of("field", "from", "count_field", "from_n")),
            t("mask_emails", Map.of("field", "to", "count_field", "to_n")));

    Outcome out = chain.apply(json("{\"from\":\"a@b.c\",\"to\":\"d@e.f, g@h.i\"}"));

    assertThat(out.payload().toString())
        .isEqualTo("{\"from\":\"***\",\"to\":\"***, ***\",\"from_n\":1,\"to_n\":2}");
  }

  @Test
  void falseDropsTheEvent() throws Exception {
    JavaTransformChain chain =
        open(
            t("drop_matching", Map.of("field", "level", "value", "DEBUG")),
            t("append", Map.of("text", "after")));

    Outcome dropped = chain.apply(json("{\"level\":\"DEBUG\"}"));
    Outcome kept = chain.apply(json("{\"level\":\"INFO\"}"));

    assertThat(dropped).isEqualTo(Outcome.dropped("drop_matching"));
    assertThat(dropped.kind()).isEqualTo(Kind.DROPPED);
    assertThat(dropped.payload()).isNull();
    assertThat(dropped.reason()).isNull();
    assertThat(kept.payload()).isEqualTo(json("{\"level\":\"INFO\",\"trail\":\"after\"}"));
  }

  @Test
  void exceptionFailsTheEventWithExactReason() throws Exception {
    JavaTransformChain chain =
        open(t("append", Map.of("text", "a")), t("explode", Map.of("message", "cannot use")));

    Outcome out = chain.apply(json("{\"explode\":7}"));
    Outcome next = chain.apply(json("{\"fine\":true}"));

    assertThat(out.kind()).isEqualTo(Kind.FAILED);
    assertThat(out.transform()).isEqualTo("explode");
    assertThat(out.reason()).isEqualTo("transform explode: IllegalStateException: cannot use 7");
    assertThat(out.payload()).isNull();
    // The chain carries on with the next event.
    assertThat(next.payload()).isEqualTo(json("{\"fine\":true,\"trail\":\"a\"}"));
  }

  @Test
  void longMessagesAreTrimmed() throws Exception {
    JavaTransformChain chain = open(t("explode", Map.of("message", "x".repeat(500))));

    Outcome out = chain.apply(json("{\"explode\":\"!\"}"));

    assertThat(out.reason())
        .isEqualTo("transform explode: IllegalStateException: " + "x".repeat(300) + "...");
  }

  @Test
  void errorsOfTheVirtualMachinePassThrough() throws Exception {
    JavaTransformChain chain = open(t("explode", Map.of()));

    assertThatThrownBy(() -> chain.apply(json("{\"explode\":\"oom\"}")))
        .isInstanceOf(OutOfMemoryError.class)
        .hasMessage("pretend");
  }

  @Test
  void eventThatCannotBeWrittenBackFailsNamingTheLastTransform() throws Exception {
    JavaTransformChain chain = open(t("explode", Map.of()), t("append", Map.of("text", "a")));

    Outcome out = chain.apply(json("{\"explode\":\"loop\"}"));

    assertThat(out)
        .isEqualTo(
            Outcome.failed(
                "append",
                "transform append: IllegalArgumentException: the event nests deeper than 1000"
                    + " levels; does a map or list contain itself?"));
  }

  @Test
  void transformsRunInTheConfiguredOrder() throws Exception {
    ObjectNode event = json("{\"trail\":\"start\"}");

    Outcome ab =
        open(t("append", Map.of("text", "a")), t("append", Map.of("text", "b"))).apply(event);
    Outcome ba =
        open(t("append", Map.of("text", "b")), t("append", Map.of("text", "a"))).apply(event);

    assertThat(ab.payload().get("trail").asText()).isEqualTo("start>a>b");
    assertThat(ba.payload().get("trail").asText()).isEqualTo("start>b>a");
  }

  @Test
  void firstTransformToDecideWins() throws Exception {
    ObjectNode event = json("{\"level\":\"DEBUG\",\"explode\":1}");
    JavaTransformConfig drop = t("drop_matching", Map.of("field", "level", "value", "DEBUG"));
    JavaTransformConfig explode = t("explode", Map.of());

    assertThat(open(drop, explode).apply(event).kind()).isEqualTo(Kind.DROPPED);
    assertThat(open(explode, drop).apply(event).kind()).isEqualTo(Kind.FAILED);
  }

  @Test
  void transformsSeeJsonAsPlainJavaValues() throws Exception {
    JavaTransformChain chain = open(t("describe_types", Map.of()));

    Outcome out =
        chain.apply(
            json(
                "{\"s\":\"x\",\"i\":1,\"l\":10000000000,\"big\":123456789012345678901234567890,"
                    + "\"d\":1.5,\"b\":true,\"n\":null,\"o\":{\"a\":[1,\"two\"]}}"));

    JsonNode types = out.payload().get("types");
    assertThat(JSON.convertValue(types, new TypeReference<Map<String, String>>() {}))
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("/", "java.util.LinkedHashMap"),
                Map.entry("/s", "java.lang.String"),
                Map.entry("/i", "java.lang.Integer"),
                Map.entry("/l", "java.lang.Long"),
                Map.entry("/big", "java.math.BigInteger"),
                Map.entry("/d", "java.lang.Double"),
                Map.entry("/b", "java.lang.Boolean"),
                Map.entry("/n", "null"),
                Map.entry("/o", "java.util.LinkedHashMap"),
                Map.entry("/o/a", "java.util.ArrayList"),
                Map.entry("/o/a/0", "java.lang.Integer"),
                Map.entry("/o/a/1", "java.lang.String")));
    // Values JSON has no type for come back as text a timestamp column reads, and as numbers.
    assertThat(out.payload().get("seen_at").asText()).isEqualTo("1970-01-01T00:00:00Z");
    assertThat(out.payload().get("ratio").toString()).isEqualTo("0.25");
    assertThat(out.payload().get("codes").toString()).isEqualTo("[1,2]");
    assertThat(out.payload().get("big").bigIntegerValue())
        .isEqualTo(new java.math.BigInteger("123456789012345678901234567890"));
  }

  @Test
  void pluginCodeRunsWithThePluginContextClassLoader() throws Exception {
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    JavaTransformChain chain = open(t("loader_check", Map.of()));

    Outcome out = chain.apply(json("{}"));

    assertThat(out.payload())
        .isEqualTo(json("{\"open_loader_is_plugin\":true,\"apply_loader_is_plugin\":true}"));
    assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);
  }

  @Test
  void closeClosesEveryTransformEvenWhenOneFails() throws Exception {
    Path marker = dir.resolve("closed-" + System.nanoTime());
    JavaTransformChain chain =
        new JavaTransformChain(
            List.of(jar),
            List.of(
                t("explode", Map.of("fail_close", "yes")),
                t("mask_emails", Map.of("field", "message", "close_marker", marker.toString()))));
    chain.open();
    assertThat(marker).doesNotExist();

    chain.close();
    chain.close(); // a second close does nothing

    assertThat(marker).hasContent("closed message");
    assertThatThrownBy(() -> chain.apply(json("{}")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the Java transform chain is not open");
  }

  @Test
  void failingOpenNamesTheTransformAndClosesWhatWasOpened() {
    Path marker = dir.resolve("closed-" + System.nanoTime());
    JavaTransformChain chain =
        new JavaTransformChain(
            List.of(jar),
            List.of(
                t("mask_emails", Map.of("field", "message", "close_marker", marker.toString())),
                t("mask_emails", Map.of())));

    assertThatThrownBy(chain::open)
        .isInstanceOf(TransformPluginException.class)
        .hasMessage(
            "Java transform 'mask_emails' (sample.MaskEmails from "
                + jar
                + ") failed to open with options {}: IllegalArgumentException: option 'field' is"
                + " required");
    assertThat(marker).hasContent("closed message");
  }

  @Test
  void unknownTransformFailsOpen() {
    JavaTransformChain chain = new JavaTransformChain(List.of(jar), List.of(t("nope", Map.of())));

    assertThatThrownBy(chain::open)
        .isInstanceOf(TransformPluginException.class)
        .hasMessage(
            "no Java transform named 'nope' in "
                + jar
                + "; available: "
                + SampleTransforms.ALL_NAMES);
  }

  @Test
  void chainTravelsSerializedAndOpensOnTheOtherSide() throws Exception {
    JavaTransformChain original =
        new JavaTransformChain(List.of(jar), List.of(t("append", Map.of("text", "shipped"))));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(original);
    }
    JavaTransformChain copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (JavaTransformChain) in.readObject();
    }
    copy.open();
    opened.add(copy);

    assertThat(copy.apply(json("{}")).payload()).isEqualTo(json("{\"trail\":\"shipped\"}"));
  }

  @Test
  void emptyChainKeepsTheEventAsItIs() throws Exception {
    JavaTransformChain chain = new JavaTransformChain(List.of("/no/such.jar"), List.of());
    chain.open();
    ObjectNode event = json("{\"a\":1}");

    assertThat(chain.isEmpty()).isTrue();
    assertThat(chain.apply(event).payload()).isSameAs(event);
    chain.close();
  }

  @Test
  void applyBeforeOpenIsAProgrammingError() {
    JavaTransformChain chain = new JavaTransformChain(List.of(jar), List.of(t("append", Map.of())));

    assertThatThrownBy(() -> chain.apply(json("{}"))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void outcomeRejectsInconsistentParts() throws Exception {
    assertThatThrownBy(() -> new Outcome(Kind.KEPT, null, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Outcome(Kind.FAILED, null, null, "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Outcome.failed("x", "why").reason()).isEqualTo("why");
    assertThat(Outcome.kept(json("{}")).kind()).isEqualTo(Kind.KEPT);
  }
}
