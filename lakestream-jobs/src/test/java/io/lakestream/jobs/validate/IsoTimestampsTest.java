package io.lakestream.jobs.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsoTimestampsTest {

  /** The reference: java.time, truncated to microseconds. */
  private static long reference(String s) {
    Instant i;
    try {
      i = Instant.parse(s);
    } catch (DateTimeParseException e) {
      i = OffsetDateTime.parse(s).toInstant();
    }
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-11-23T14:05:00Z",
        "2026-11-23t14:05:00z",
        "2026-11-23T14:05:00.1Z",
        "2026-11-23T14:05:00.123456Z",
        "2026-11-23T14:05:00.123456789Z",
        "2026-11-23T15:05:00+01:00",
        "2026-11-23T09:35:00.5-04:30",
        "1969-12-31T23:59:59.999999Z",
        "2024-02-29T00:00:00Z",
        "0001-01-01T00:00:00Z"
      })
  void agreesWithJavaTime(String s) {
    assertThat(IsoTimestamps.micros(s)).isEqualTo(reference(s));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-02-30T00:00:00Z", // no such day
        "2026-13-01T00:00:00Z",
        "2026-11-23T24:00:00Z",
        "2026-11-23T14:05:60Z", // leap second: java.time decides
        "2026-11-23T14:05:00", // no zone
        "2026-11-23 14:05:00Z",
        "2026-11-23T14:05:00.Z",
        "2026-11-23T14:05:00.1234567890Z",
        "2026-11-23T14:05:00+0100",
        "+12026-11-23T14:05:00Z",
        "yesterday at noon",
        ""
      })
  void leavesEverythingElseToJavaTime(String s) {
    assertThat(IsoTimestamps.micros(s)).isEqualTo(IsoTimestamps.NOT_FAST);
  }

  @Test
  void agreesWithJavaTimeOnManyGeneratedTimestamps() {
    SplittableRandom r = new SplittableRandom(42);
    int fastHits = 0;
    for (int i = 0; i < 20_000; i++) {
      long seconds = r.nextLong(-2_000_000_000L, 5_000_000_000L);
      int nanos = r.nextInt(1_000_000_000);
      int offsetMinutes = r.nextInt(-18 * 60, 18 * 60 + 1);
      OffsetDateTime t =
          Instant.ofEpochSecond(seconds, nanos)
              .atOffset(ZoneOffset.ofTotalSeconds(offsetMinutes * 60));
      String s = t.toString(); // ISO with 'Z' or ±HH:MM, fraction of 0, 3, 6 or 9 digits
      long fast = IsoTimestamps.micros(s);
      if (fast != IsoTimestamps.NOT_FAST) {
        assertThat(fast).as(s).isEqualTo(reference(s));
        fastHits++;
      }
    }
    // only values whose seconds and nanos are both zero print without seconds (not fast form)
    assertThat(fastHits).isGreaterThan(19_900);
  }
}
