package io.lakestream.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.detect.AlertLifecycle.Params;
import io.lakestream.detect.AlertLifecycle.Transition;
import io.lakestream.detect.AlertLifecycle.Transition.Kind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AlertLifecycleTest {

  /** Resolve after 3 normal points, no quiet time, 5 minutes of cooldown. */
  private static final Params QUICK = new Params(3, Duration.ZERO, Duration.ofMinutes(5), 10);

  private static final long MIN = 60_000;

  private static Score bad(double v) {
    return new Score(v, 9, 1, 0, 2, true);
  }

  private static Score ok(double v) {
    return new Score(v, 0.5, 1, 0, 2, false);
  }

  /** Feeds "x" (anomalous) and "." (normal) one minute apart from minute {@code start}. */
  private static List<Transition> feed(AlertLifecycle l, long start, String pattern) {
    List<Transition> out = new ArrayList<>();
    for (int i = 0; i < pattern.length(); i++) {
      long t = (start + i) * MIN;
      Score s = pattern.charAt(i) == 'x' ? bad(start + i) : ok(start + i);
      Transition tr = l.observe(t, "e" + (start + i), s);
      if (tr != null) {
        out.add(tr);
      }
    }
    return out;
  }

  @Test
  void oneIncidentPerRunOfAnomaliesResolvedAfterThreeNormalPoints() {
    AlertLifecycle l = new AlertLifecycle(QUICK);
    List<Transition> t = feed(l, 0, "..xxx.x...");
    assertThat(t).hasSize(2);
    Transition opened = t.get(0);
    assertThat(opened.kind()).isEqualTo(Kind.OPENED);
    assertThat(opened.sequence()).isEqualTo(1);
    assertThat(opened.incidentStartMillis()).isEqualTo(2 * MIN);
    assertThat(opened.eventTimeMillis()).isEqualTo(2 * MIN);
    assertThat(opened.score()).isEqualTo(bad(2));
    assertThat(opened.eventIds()).containsExactly("e2");

    Transition resolved = t.get(1);
    assertThat(resolved.kind()).isEqualTo(Kind.RESOLVED);
    assertThat(resolved.sequence()).isEqualTo(1);
    assertThat(resolved.incidentStartMillis()).isEqualTo(2 * MIN);
    assertThat(resolved.score()).isEqualTo(ok(7)); // the first normal point after the last anomaly
    assertThat(resolved.eventTimeMillis()).isEqualTo(7 * MIN);
    assertThat(resolved.eventIds()).containsExactly("e2", "e3", "e4", "e6");
    assertThat(l.isOpen()).isFalse();
    assertThat(l.eventIds()).isEmpty();
  }

  @Test
  void anomaliesWithinTheCooldownAreSuppressedThenANewIncidentOpens() {
    AlertLifecycle l = new AlertLifecycle(QUICK); // 5 minutes of cooldown
    List<Transition> first = feed(l, 0, "x...");
    assertThat(first).extracting(Transition::kind).containsExactly(Kind.OPENED, Kind.RESOLVED);
    // resolved at minute 3: anomalies at minutes 4..7 are within the cooldown
    assertThat(feed(l, 4, "x.xx")).isEmpty();
    assertThat(l.suppressed()).isEqualTo(3);
    assertThat(l.isOpen()).isFalse();
    // minute 8 is 5 minutes after the resolution: a new incident
    List<Transition> second = feed(l, 8, "x");
    assertThat(second)
        .singleElement()
        .satisfies(
            tr -> {
              assertThat(tr.kind()).isEqualTo(Kind.OPENED);
              assertThat(tr.sequence()).isEqualTo(2);
              assertThat(tr.incidentStartMillis()).isEqualTo(8 * MIN);
            });
    assertThat(l.sequence()).isEqualTo(2);
  }

  @Test
  void resolveQuietAlsoNeedsEventTimeSinceTheLastAnomaly() {
    AlertLifecycle l = new AlertLifecycle(new Params(2, Duration.ofMinutes(10), Duration.ZERO, 10));
    List<Transition> t = feed(l, 0, "x.........");
    assertThat(t).extracting(Transition::kind).containsExactly(Kind.OPENED);
    t = feed(l, 10, ".");
    assertThat(t)
        .singleElement()
        .satisfies(
            tr -> {
              assertThat(tr.kind()).isEqualTo(Kind.RESOLVED);
              assertThat(tr.eventTimeMillis()).isEqualTo(MIN); // back to normal at minute 1
            });
  }

  @Test
  void keepsAtMostMaxEventIdsTheFirstOnesAndIgnoresMissingIds() {
    AlertLifecycle l = new AlertLifecycle(new Params(1, Duration.ZERO, Duration.ZERO, 3));
    l.observe(0, null, bad(0));
    feed(l, 1, "xxxxx");
    assertThat(l.eventIds()).containsExactly("e1", "e2", "e3");
    Transition resolved = feed(l, 6, ".").get(0);
    assertThat(resolved.eventIds()).containsExactly("e1", "e2", "e3");
  }

  @Test
  void zeroCooldownReopensAtOnce() {
    AlertLifecycle l = new AlertLifecycle(new Params(1, Duration.ZERO, Duration.ZERO, 10));
    assertThat(feed(l, 0, "x.x.x")).hasSize(5);
    assertThat(l.sequence()).isEqualTo(3);
    assertThat(l.suppressed()).isZero();
  }

  @Test
  void restoredLifecycleContinuesExactlyWhereverItWasSaved() throws IOException {
    Params p = new Params(3, Duration.ofMinutes(2), Duration.ofMinutes(5), 4);
    Random r = new Random(7);
    StringBuilder pattern = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      pattern.append(r.nextDouble() < (i / 100 % 2 == 0 ? 0.05 : 0.6) ? 'x' : '.');
    }
    String all = pattern.toString();
    AlertLifecycle whole = new AlertLifecycle(p);
    List<Transition> expected = feed(whole, 0, all);
    assertThat(expected.size()).isGreaterThan(20);
    assertThat(whole.suppressed()).isPositive();
    for (int cut = 0; cut <= all.length(); cut++) {
      AlertLifecycle first = new AlertLifecycle(p);
      List<Transition> got = new ArrayList<>(feed(first, 0, all.substring(0, cut)));
      AlertLifecycle restored = roundTrip(p, first);
      got.addAll(feed(restored, cut, all.substring(cut)));
      assertThat(got).as("saved after %d points", cut).isEqualTo(expected);
      assertThat(restored.suppressed()).isEqualTo(whole.suppressed());
      assertThat(restored.eventIds()).isEqualTo(whole.eventIds());
    }
  }

  private static AlertLifecycle roundTrip(Params p, AlertLifecycle l) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      l.writeState(out);
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return AlertLifecycle.restore(p, in);
    }
  }

  @Test
  void rejectsBadParametersNamingThem() {
    assertThatThrownBy(() -> new Params(0, Duration.ZERO, Duration.ZERO, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'resolveAfter'");
    assertThatThrownBy(() -> new Params(1, Duration.ofSeconds(-1), Duration.ZERO, 1))
        .hasMessageContaining("'resolveQuiet'");
    assertThatThrownBy(() -> new Params(1, Duration.ZERO, null, 1))
        .hasMessageContaining("'cooldown'");
    assertThatThrownBy(() -> new Params(1, Duration.ZERO, Duration.ZERO, -1))
        .hasMessageContaining("'maxEventIds'");
  }
}
