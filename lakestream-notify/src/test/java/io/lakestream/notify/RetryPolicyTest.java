package io.lakestream.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private final RetryPolicy policy =
      new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(30), 2.0);

  @Test
  void ceilingsGrowExponentiallyUpToTheMaximum() {
    assertThat(TimeUnit.NANOSECONDS.toMillis(policy.ceilingNanos(1))).isEqualTo(500);
    assertThat(TimeUnit.NANOSECONDS.toMillis(policy.ceilingNanos(2))).isEqualTo(1000);
    assertThat(TimeUnit.NANOSECONDS.toMillis(policy.ceilingNanos(3))).isEqualTo(2000);
    assertThat(TimeUnit.NANOSECONDS.toMillis(policy.ceilingNanos(6))).isEqualTo(16000);
    assertThat(TimeUnit.NANOSECONDS.toMillis(policy.ceilingNanos(7))).isEqualTo(30000);
    assertThat(TimeUnit.NANOSECONDS.toMillis(policy.ceilingNanos(1000))).isEqualTo(30000);
  }

  @Test
  void delaysAreFullJitterBelowTheCeiling() {
    long ceiling = policy.ceilingNanos(3);
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 2000; i++) {
      long d = policy.delayNanos(3, null);
      assertThat(d).isBetween(0L, ceiling);
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    // spread over the whole range, not clustered near the ceiling
    assertThat(min).isLessThan(ceiling / 10);
    assertThat(max).isGreaterThan(ceiling * 9 / 10);
  }

  @Test
  void retryAfterReplacesTheRandomDelayUpToTheMaximum() {
    assertThat(policy.delayNanos(1, Duration.ofSeconds(3)))
        .isEqualTo(Duration.ofSeconds(3).toNanos());
    assertThat(policy.delayNanos(1, Duration.ofHours(1)))
        .isEqualTo(Duration.ofSeconds(30).toNanos());
    assertThat(policy.delayNanos(1, Duration.ZERO)).isZero();
  }

  @Test
  void parsesRetryAfterSecondsAndDates() {
    assertThat(HttpSender.parseRetryAfter("120")).isEqualTo(Duration.ofSeconds(120));
    assertThat(HttpSender.parseRetryAfter(" 0 ")).isEqualTo(Duration.ZERO);
    assertThat(HttpSender.parseRetryAfter("99999999999999999999")).isEqualTo(Duration.ofDays(1));
    String inTenSeconds =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(10));
    assertThat(HttpSender.parseRetryAfter(inTenSeconds))
        .isBetween(Duration.ofSeconds(7), Duration.ofSeconds(10));
    assertThat(HttpSender.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"))
        .isEqualTo(Duration.ZERO);
    assertThat(HttpSender.parseRetryAfter("soon")).isNull();
    assertThat(HttpSender.parseRetryAfter("-5")).isNull();
    assertThat(HttpSender.parseRetryAfter(null)).isNull();
  }
}
