package io.lakestream.source.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LogLimiterTest {

  @Test
  void letsTheFirstLineThroughAndCountsTheHeldOnes() {
    LogLimiter limiter = new LogLimiter(1, TimeUnit.HOURS);
    assertThat(limiter.allow()).isTrue();
    assertThat(limiter.suppressed()).isZero();
    assertThat(limiter.allow()).isFalse();
    assertThat(limiter.allow()).isFalse();
  }

  @Test
  void afterTheIntervalReportsHowManyWereHeld() {
    LogLimiter limiter = new LogLimiter(50, TimeUnit.MILLISECONDS);
    assertThat(limiter.allow()).isTrue();
    assertThat(limiter.allow()).isFalse();
    assertThat(limiter.allow()).isFalse();
    await().atMost(Duration.ofSeconds(5)).until(limiter::allow);
    assertThat(limiter.suppressed()).isGreaterThanOrEqualTo(2);
  }
}
