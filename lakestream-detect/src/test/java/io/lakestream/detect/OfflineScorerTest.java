package io.lakestream.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.detect.OfflineScorer.InvalidCsvException;
import io.lakestream.detect.OfflineScorer.Problem;
import io.lakestream.detect.OfflineScorer.Result;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class OfflineScorerTest {

  private static final OfflineScorer THRESHOLD =
      OfflineScorer.of(Threshold.above(50), "timestamp", "value")
          .withLifecycle(new AlertLifecycle.Params(3, Duration.ZERO, Duration.ofMinutes(5), 10));

  private static String csv(Result r) throws Exception {
    StringWriter w = new StringWriter();
    r.writeCsv(w);
    return w.toString();
  }

  @Test
  void sortsByTimeScoresAndMarksTheRowsThatOpenedAnIncident() throws Exception {
    String in =
        "\uFEFFid,timestamp,value,note\r\n"
            + "a,2026-01-05T00:03:00Z,60,\"late, but sorted\"\r\n"
            + "b,2026-01-05T00:00:00Z,10,plain\r\n"
            + "c,2026-01-05T00:01:00Z,70,\"two\nlines\"\r\n"
            + "\r\n"
            + "d,2026-01-05T00:02:00Z,80,\"say \"\"hi\"\"\"\r\n"
            + "e,2026-01-05 00:04:00,20,local time\r\n"
            + "f,2026-01-05T01:04:00+01:00,20,\r\n"
            + "g,2026-01-05T00:06:00Z,20,\r\n"
            + "h,2026-01-05T00:12:00Z,99,\r\n";
    Result r = THRESHOLD.score(new StringReader(in));
    assertThat(r.rows())
        .extracting(OfflineScorer.ScoredRow::line)
        .containsExactly(3L, 4L, 7L, 2L, 8L, 9L, 10L, 11L); // stable for the equal 00:04 times
    assertThat(r.alerts()).isEqualTo(2);
    assertThat(r.keys()).isEqualTo(1);
    assertThat(csv(r))
        .isEqualTo(
            "timestamp,value,anomaly_score,alert\n"
                + "2026-01-05T00:00:00Z,10.0,0.0,0\n"
                + "2026-01-05T00:01:00Z,70.0,0.4,1\n"
                + "2026-01-05T00:02:00Z,80.0,0.6,0\n"
                + "2026-01-05T00:03:00Z,60.0,0.2,0\n"
                + "2026-01-05T00:04:00Z,20.0,0.0,0\n"
                + "2026-01-05T00:04:00Z,20.0,0.0,0\n"
                + "2026-01-05T00:06:00Z,20.0,0.0,0\n"
                + "2026-01-05T00:12:00Z,99.0,0.98,1\n");
    OfflineScorer.ScoredRow opened = r.rows().get(1);
    assertThat(opened.transition().eventIds()).containsExactly("line:4");
    // resolved on the third normal point (line 10); 00:12 is past the 5-minute cooldown
    assertThat(r.rows().get(6).transition().kind())
        .isEqualTo(AlertLifecycle.Transition.Kind.RESOLVED);
  }

  @Test
  void epochSecondsAndMillisAreDetected() throws Exception {
    Result secs =
        THRESHOLD.score(new StringReader("timestamp,value\n1767571200,1\n1767571260.5,2\n"));
    assertThat(secs.rows())
        .extracting(OfflineScorer.ScoredRow::eventTimeMillis)
        .containsExactly(1_767_571_200_000L, 1_767_571_260_500L);
    Result millis =
        THRESHOLD.score(new StringReader("timestamp,value\n1767571200000,1\n1767571260000,2\n"));
    assertThat(millis.rows().get(1).eventTimeMillis()).isEqualTo(1_767_571_260_000L);
  }

  @Test
  void localTimesAreReadInTheConfiguredZone() throws Exception {
    Result r =
        THRESHOLD
            .withZone(ZoneId.of("Europe/Paris"))
            .score(new StringReader("timestamp,value\n2026-07-01T12:00:00,1\n2026-07-02,1\n"));
    assertThat(r.rows())
        .extracting(row -> Instant.ofEpochMilli(row.eventTimeMillis()))
        .containsExactly(
            Instant.parse("2026-07-01T10:00:00Z"), Instant.parse("2026-07-01T22:00:00Z"));
  }

  @Test
  void aKeyColumnGivesOneModelPerKey() throws Exception {
    String in =
        "ts,host,v\n"
            + "2026-01-05T00:00:00Z,a,1\n"
            + "2026-01-05T00:00:00Z,\"b,2\",100\n"
            + "2026-01-05T00:01:00Z,a,2\n"
            + "2026-01-05T00:01:00Z,\"b,2\",190\n";
    Result r =
        OfflineScorer.of(new RateOfChange(0.5, Duration.ofMinutes(1), true), "ts", "v")
            .withKeyColumn("host")
            .score(new StringReader(in));
    assertThat(r.keys()).isEqualTo(2);
    // a: 1 -> 2 is +100% (alert); "b,2": 100 -> 190 is +90% (alert); each against its own past
    assertThat(r.alerts()).isEqualTo(2);
    assertThat(csv(r))
        .startsWith("timestamp,key,value,anomaly_score,alert\n")
        .contains("2026-01-05T00:01:00Z,\"b,2\",190.0,1.8,1\n");
  }

  @Test
  void badRowsAreAllReportedWithLineColumnAndText() {
    String in =
        "timestamp,value\n"
            + "2026-01-05T00:00:00Z,1\n"
            + "2026-01-05T00:01:00Z,abc\n"
            + "\"a\nb\",2\n"
            + "yesterday,1,5\n"
            + "2026-01-05T00:04:00Z,1,5\n"
            + "2026-01-05T00:05:00Z\n"
            + "2026-01-05T00:06:00Z,NaN\n"
            + "2026-01-05T00:07:00Z,1,5\n"
            + "2026-01-05T00:08:00Z, \n";
    assertThatThrownBy(() -> THRESHOLD.score(new StringReader(in)))
        .isInstanceOf(InvalidCsvException.class)
        .hasMessageStartingWith("6 bad rows in the CSV input:")
        .hasMessageContaining("line 3, column 'value': 'abc' is not a finite number")
        .satisfies(
            e -> {
              List<Problem> p = ((InvalidCsvException) e).problems();
              assertThat(p).extracting(Problem::line).containsExactly(3L, 4L, 6L, 8L, 9L, 11L);
              assertThat(p.get(1).column()).isEqualTo("timestamp");
              assertThat(p.get(1).text()).isEqualTo("a\nb");
              assertThat(p.get(2).text()).isEqualTo("yesterday");
              assertThat(p.get(3).reason()).isEqualTo("has 1 fields, the header has 2");
              assertThat(p.get(5).reason()).contains("empty");
            });
  }

  @Test
  void epochColumnsRejectTextAndTheOtherWayRound() {
    assertThatThrownBy(
            () ->
                THRESHOLD.score(
                    new StringReader("timestamp,value\n1767571200,1\n2026-01-05T00:00:00Z,1\n")))
        .hasMessageContaining("line 3, column 'timestamp'")
        .hasMessageContaining("holds epoch seconds (as on line 2)");
  }

  @Test
  void anUnclosedQuoteIsReportedWhereItStarts() {
    assertThatThrownBy(
            () ->
                THRESHOLD.score(
                    new StringReader("timestamp,value\n2026-01-05T00:00:00Z,1\n\"2026,1\n\n")))
        .isInstanceOf(InvalidCsvException.class)
        .hasMessageContaining("line 3 opens a quoted field that is never closed");
  }

  @Test
  void aMissingColumnIsNamedWithTheHeaderColumns() {
    assertThatThrownBy(
            () ->
                OfflineScorer.of(Threshold.above(1), "time", "value")
                    .score(new StringReader("timestamp,value\n")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the CSV header has no time column 'time'; its columns are: timestamp, value");
    assertThatThrownBy(() -> THRESHOLD.score(new StringReader(""))).hasMessageContaining("empty");
  }
}
