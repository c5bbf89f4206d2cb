package io.lakestream.source.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceIdsTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"t\":21.50}|{\"device_id\":\"dev-7\",\"t\":21.50}",
        "{}|{\"device_id\":\"dev-7\"}",
        "{\"a\":{\"device_id\":1},\"b\":[{}]}|{\"device_id\":\"dev-7\",\"a\":{\"device_id\":1},\"b\":[{}]}",
      })
  void insertsTheFieldFirstAndKeepsEveryOtherByte(String in, String out) {
    assertThat(insert(in, "device_id", "dev-7")).isEqualTo(out);
  }

  @Test
  void keepsWhitespaceAndLayout() {
    assertThat(insert("  { }  ", "d", "x")).isEqualTo("  {\"d\":\"x\" }  ");
    assertThat(insert("{\n  \"a\": 1\n}\n", "d", "x")).isEqualTo("{\"d\":\"x\",\n  \"a\": 1\n}\n");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"device_id\":\"own\"}",
        "{\"x\":1,\"device_id\":null}",
        "[1,2]",
        "\"text\"",
        "not json",
        "{\"a\":1} {\"b\":2}",
        "{\"a\":",
        "",
      })
  void leavesAnythingElseUntouched(String in) {
    byte[] bytes = in.getBytes(StandardCharsets.UTF_8);
    assertThat(DeviceIds.insert(bytes, "device_id", "dev-7")).isSameAs(bytes);
  }

  @Test
  void escapesTheDeviceIdAndTheFieldName() {
    assertThat(insert("{}", "dev\"ice", "a\"b\\c\u0001ü"))
        .isEqualTo("{\"dev\\\"ice\":\"a\\\"b\\\\c\\u0001ü\"}");
  }

  @Test
  void keepsAByteOrderMark() {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'};
    assertThat(DeviceIds.insert(bom, "d", "x"))
        .isEqualTo(
            new byte[] {
              (byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '"', 'd', '"', ':', '"', 'x', '"', '}'
            });
  }

  private static String insert(String json, String field, String id) {
    return new String(
        DeviceIds.insert(json.getBytes(StandardCharsets.UTF_8), field, id), StandardCharsets.UTF_8);
  }
}
