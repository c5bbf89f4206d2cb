package io.lakestream.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.lake.QueryResult.Column;
import io.lakestream.lake.ResultFormatter.Format;
import io.lakestream.lake.ResultFormatter.Options;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultFormatterTest {

  private static final QueryResult RESULT =
      new QueryResult(
          List.of(
              new Column("id", "VARCHAR"),
              new Column("n", "BIGINT"),
              new Column("at", "TIMESTAMP WITH TIME ZONE"),
              new Column("raw", "BLOB"),
              new Column("s", "VARCHAR")),
          List.of(
              List.of(
                  "a",
                  1L,
                  OffsetDateTime.parse("2026-01-02T03:04:05Z"),
                  new byte[] {'h', 'i', '\n'},
                  "plain"),
              Arrays.asList(
                  "b,c",
                  1234L,
                  OffsetDateTime.parse("2026-01-02T03:04:05.5Z"),
                  null,
                  "say \"hi\"\nbye"),
              Arrays.asList("", null, null, new byte[0], null)));

  @Test
  void table() {
    assertThat(ResultFormatter.format(RESULT, Format.TABLE))
        .isEqualTo(
            """
             id  |    n | at                     | raw    | s
            -----+------+------------------------+--------+---------------
             a   |    1 | 2026-01-02T03:04:05Z   | hi\\x0A | plain
             b,c | 1234 | 2026-01-02T03:04:05.5Z | NULL   | say "hi"\\nbye
                 | NULL | NULL                   |        | NULL
            (3 rows)
            """);
  }

  @Test
  void tableCutsLongCellsAndCountsCharactersNotBytes() {
    QueryResult r =
        new QueryResult(
            List.of(new Column("a_very_long_header", "VARCHAR"), new Column("x", "INTEGER")),
            List.of(List.of("0123456789abcdef", 7), List.of("日本語のテキスト", 8)));

    assertThat(ResultFormatter.format(r, Format.TABLE, new Options(8, false)))
        .isEqualTo(
            """
             a_very_… | x
            ----------+---
             0123456… | 7
             日本語のテキスト | 8
            (2 rows)
            """);
    assertThat(ResultFormatter.format(r, Format.TABLE, new Options(0, false)))
        .contains(" 0123456789abcdef   | 7");
  }

  @Test
  void tableFooterAndEmptyResults() {
    QueryResult one = new QueryResult(List.of(new Column("x", "INTEGER")), List.of(List.of(1)));
    QueryResult none = new QueryResult(List.of(new Column("x", "INTEGER")), List.of());

    assertThat(ResultFormatter.format(one, Format.TABLE)).isEqualTo(" x\n---\n 1\n(1 row)\n");
    assertThat(ResultFormatter.format(none, Format.TABLE)).isEqualTo(" x\n---\n(0 rows)\n");
    assertThat(ResultFormatter.format(none, Format.CSV)).isEqualTo("x\r\n");
    assertThat(ResultFormatter.format(none, Format.JSON)).isEqualTo("[]\n");
    assertThat(ResultFormatter.format(none, Format.JSON, new Options(0, true))).isEmpty();
  }

  @Test
  void csv() {
    assertThat(ResultFormatter.format(RESULT, Format.CSV))
        .isEqualTo(
            "id,n,at,raw,s\r\n"
                + "a,1,2026-01-02T03:04:05Z,aGkK,plain\r\n"
                + "\"b,c\",1234,2026-01-02T03:04:05.5Z,,\"say \"\"hi\"\"\nbye\"\r\n"
                + "\"\",,,\"\",\r\n");
  }

  @Test
  void json() {
    assertThat(ResultFormatter.format(RESULT, Format.JSON))
        .isEqualTo(
            """
            [
            {"id":"a","n":1,"at":"2026-01-02T03:04:05Z","raw":"aGkK","s":"plain"},
            {"id":"b,c","n":1234,"at":"2026-01-02T03:04:05.5Z","raw":null,"s":"say \\"hi\\"\\nbye"},
            {"id":"","n":null,"at":null,"raw":"","s":null}
            ]
            """);
  }

  @Test
  void ndjson() {
    assertThat(ResultFormatter.format(RESULT, Format.JSON, new Options(0, true)))
        .isEqualTo(
            """
            {"id":"a","n":1,"at":"2026-01-02T03:04:05Z","raw":"aGkK","s":"plain"}
            {"id":"b,c","n":1234,"at":"2026-01-02T03:04:05.5Z","raw":null,"s":"say \\"hi\\"\\nbye"}
            {"id":"","n":null,"at":null,"raw":"","s":null}
            """);
  }

  @Test
  void nestedValuesDuplicateNamesAndSpecialNumbers() {
    Map<Object, Object> struct = new LinkedHashMap<>();
    struct.put("k", List.of(1, 2));
    struct.put("d", LocalDate.parse("2026-01-02"));
    QueryResult r =
        new QueryResult(
            List.of(
                new Column("a", "STRUCT(k INTEGER[], d DATE)"),
                new Column("a", "DOUBLE"),
                new Column("a_2", "DECIMAL(10,2)"),
                new Column("ctl", "VARCHAR")),
            List.of(List.of(struct, Double.NaN, new BigDecimal("1.50"), "tab\there\u0001")));

    assertThat(ResultFormatter.format(r, Format.JSON, new Options(0, true)))
        .isEqualTo(
            "{\"a\":{\"k\":[1,2],\"d\":\"2026-01-02\"},\"a_3\":\"NaN\",\"a_2\":1.50,"
                + "\"ctl\":\"tab\\there\\u0001\"}\n");
    assertThat(ResultFormatter.format(r, Format.CSV))
        .isEqualTo(
            "a,a,a_2,ctl\r\n"
                + "\"{\"\"k\"\":[1,2],\"\"d\"\":\"\"2026-01-02\"\"}\",NaN,1.50,tab"
                + "\there\u0001\r\n");
    assertThat(ResultFormatter.format(r, Format.TABLE))
        .contains(" {\"k\":[1,2],\"d\":\"2026-01-02\"} | NaN | 1.50 | tab\\there\\x01");
  }
}
