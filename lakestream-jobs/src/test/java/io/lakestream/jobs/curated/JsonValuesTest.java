package io.lakestream.jobs.curated;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonValuesTest {

  private static long referenceMicros(String s) {
    Instant i = OffsetDateTime.parse(s).toInstant();
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
  }

  @Test
  void timestampsAgreeWithJavaTime() {
    SplittableRandom random = new SplittableRandom(42);
    String[] fractions = {"", ".S", ".SSS", ".SSSSSS", ".SSSSSSSSS", ".SS"};
    for (int i = 0; i < 20_000; i++) {
      // years 0001 to 9999, any offset on a quarter hour
      long second = random.nextLong(-62_135_596_800L, 253_402_300_799L);
      int nano = random.nextInt(1_000_000_000);
      ZoneOffset offset = ZoneOffset.ofTotalSeconds(random.nextInt(-18 * 4, 18 * 4 + 1) * 900);
      String pattern =
          "uuuu-MM-dd'T'HH:mm:ss" + fractions[random.nextInt(fractions.length)] + "XXX";
      String text =
          OffsetDateTime.ofInstant(Instant.ofEpochSecond(second, nano), offset)
              .format(DateTimeFormatter.ofPattern(pattern));

      assertThat(JsonValues.timestampMicros(text)).as(text).isEqualTo(referenceMicros(text));
    }
  }

  @Test
  void leapSecondReadsLikeTheValidatorReadsEventTimes() {
    // java.time's Instant.parse, which event-time validation uses, folds :60 into :59.
    assertThat(JsonValues.timestampMicros("2016-12-31T23:59:60Z"))
        .isEqualTo(referenceMicros("2016-12-31T23:59:59Z"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "2026-11-23",
        "2026-11-23T14:05:00",
        "2026-11-23T14:05:00+0100",
        "2026-11-23T14:05:00+25:00",
        "2026-11-23X14:05:00Z",
        "2026-1a-23T14:05:00Z",
        "2026-11-23T14:05:61Z",
        "2026-11-23T14:05:00ZZ"
      })
  void badTimestampsAreNone(String text) {
    assertThat(JsonValues.timestampMicros(text)).isEqualTo(JsonValues.NONE);
  }

  @Test
  void datesAgreeWithJavaTime() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      LocalDate d = LocalDate.ofEpochDay(random.nextLong(-719_162, 2_932_896));
      String text = d.toString();

      assertThat(JsonValues.epochDay(text)).as(text).isEqualTo(d.toEpochDay());
    }
    assertThat(JsonValues.epochDay("2100-02-29")).isEqualTo(JsonValues.NONE);
    assertThat(JsonValues.epochDay("2000-02-29")).isEqualTo(LocalDate.of(2000, 2, 29).toEpochDay());
    assertThat(JsonValues.epochDay("2026-04-31")).isEqualTo(JsonValues.NONE);
    assertThat(JsonValues.epochDay("2026-00-10")).isEqualTo(JsonValues.NONE);
  }

  @Test
  void longsAgreeWithLongParseLong() {
    for (String s :
        new String[] {
          "0", "-0", "+5", "42", "-42", "9223372036854775807", "-9223372036854775808", "007"
        }) {
      assertThat(JsonValues.parseLong(s)).as(s).isEqualTo(Long.parseLong(s));
    }
    for (String s :
        new String[] {
          "",
          " ",
          "-",
          "+",
          "1.0",
          "1e3",
          "0x10",
          "9223372036854775808",
          "-9223372036854775809",
          "99999999999999999999",
          "1 2",
          "--1"
        }) {
      assertThat(JsonValues.parseLong(s)).as(s).isNull();
    }
    assertThat(JsonValues.parseLong("\t 12 \n")).isEqualTo(12L);
  }

  @Test
  void doublesInJsonSyntaxOnly() {
    assertThat(JsonValues.parseDouble("1.5")).isEqualTo(1.5);
    assertThat(JsonValues.parseDouble(" -2E3 ")).isEqualTo(-2000.0);
    assertThat(JsonValues.parseDouble("NaN")).isNull();
    assertThat(JsonValues.parseDouble("Infinity")).isNull();
    assertThat(JsonValues.parseDouble("0x1p3")).isNull();
    assertThat(JsonValues.parseDouble("1.5f")).isNull();
    assertThat(JsonValues.parseDouble("1..5")).isNull();
    assertThat(JsonValues.parseDouble("")).isNull();
  }
}
