package io.lakestream.source.logs.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lakestream.api.ingest.EventFields;
import io.lakestream.api.ingest.RawRecord;
import io.lakestream.source.logs.syslog.internal.SyslogFrameDecoder;
import io.lakestream.source.logs.syslog.internal.SyslogParser;
import io.lakestream.source.logs.syslog.internal.SyslogRecords;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Fuzzes TCP framing and parsing together, as a connection runs them: no exception escapes, every
 * record stays within bounds set by max_message_size, and every decoded record is one JSON object.
 *
 * <p>Runs on the seed inputs with the normal tests; {@code JAZZER_FUZZ=1} fuzzes it (the pom has an
 * execution for that, bounded in time).
 */
class SyslogDecoderFuzzTest {

  private static final String[] KEYS = {"host", "app", "timestamp", "severity_code", "nothing"};
  private static final ZoneId[] ZONES = {
    ZoneOffset.UTC, ZoneId.of("Europe/Berlin"), ZoneId.of("America/St_Johns"), ZoneOffset.MAX
  };

  /** The JSON of a message: at most 6 bytes ({@code \u0001}) per byte, plus the fixed fields. */
  private static final int JSON_FACTOR = 6;

  private static final int JSON_OVERHEAD = 512;

  @FuzzTest(maxDuration = "45s")
  void decode(FuzzedDataProvider data) {
    int max = data.consumeInt(1, 2048);
    String key = data.pickValue(KEYS);
    ZoneId zone = data.pickValue(ZONES);
    long received = data.consumeLong(-62_135_596_800_000L, 253_402_300_799_000L); // years 1..9999
    long seed = data.consumeLong();
    byte[] stream = data.consumeRemainingAsBytes();

    SyslogRecords records = new SyslogRecords(key, max, zone);
    SyslogFrameDecoder decoder = new SyslogFrameDecoder(max);
    List<RawRecord> out = new ArrayList<>();
    SyslogFrameDecoder.Frames frames =
        new SyslogFrameDecoder.Frames() {
          @Override
          public void message(byte[] b, int off, int len) {
            assertThat(len).isBetween(1, max);
            out.add(records.message(b, off, len, received, "fuzz"));
          }

          @Override
          public void oversized(byte[] b, int off, int len, long size) {
            assertThat(len).isEqualTo(max);
            assertThat(size).isGreaterThan(max);
            out.add(records.oversized(b, off, len, size, "fuzz"));
          }

          @Override
          public void truncated(byte[] b, int off, int len, long size) {
            assertThat(len).isBetween(0, max).isLessThan((int) Math.min(size, Integer.MAX_VALUE));
            out.add(records.truncated(b, off, len, size, "fuzz"));
          }
        };
    Random cuts = new Random(seed);
    for (int at = 0; at < stream.length; ) {
      int n = Math.min(stream.length - at, 1 + cuts.nextInt(64));
      decoder.feed(stream, at, n, frames);
      at += n;
    }
    decoder.finish(frames);

    assertThat(decoder.bufferCapacity()).isLessThanOrEqualTo(max + 1);
    assertThat(out.size()).isLessThanOrEqualTo(stream.length / 2 + 1);
    for (RawRecord r : out) {
      if (r.error() != null) {
        assertThat(r.value().length).isLessThanOrEqualTo(max);
        assertThat(r.key()).isNull();
      } else {
        assertThat(r.value().length).isLessThanOrEqualTo(JSON_FACTOR * max + JSON_OVERHEAD);
        EventFields.Fields f = EventFields.read(r.value(), 0, r.value().length, key);
        assertThat(f.error()).isNull();
        assertThat(f.key()).isEqualTo(r.key());
      }
    }

    // the parser alone, on the whole input as one datagram
    SyslogParser.Result whole = new SyslogParser(zone).parse(stream, 0, stream.length, received);
    assertThat(whole.message() == null).isNotEqualTo(whole.error() == null);
  }
}
