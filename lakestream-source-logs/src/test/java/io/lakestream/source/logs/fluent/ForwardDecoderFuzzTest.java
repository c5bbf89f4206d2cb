package io.lakestream.source.logs.fluent;

import ch.qos.logback.classic.Level;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lakestream.api.ingest.EventFields;
import io.lakestream.api.ingest.RawRecord;
import io.lakestream.source.logs.fluent.internal.ForwardDecodeException;
import io.lakestream.source.logs.fluent.internal.ForwardDecoder;
import io.lakestream.source.logs.fluent.internal.ForwardEntry;
import io.lakestream.source.logs.fluent.internal.ForwardLimits;
import java.util.Arrays;
import org.slf4j.LoggerFactory;

/**
 * Fuzzes the forward-protocol decoder with arbitrary bytes, split into arbitrary reads: only {@link
 * ForwardDecodeException} may leave it, what it holds stays within the limits, and every record it
 * produces is either one well-formed JSON object or kept for the error zone with a reason.
 *
 * <p>Input layout: the first byte chooses the read size (1 to 256 bytes), the rest is the stream.
 * Seeds live in {@code ForwardDecoderFuzzTestInputs/decode}; in a normal build only they run.
 */
class ForwardDecoderFuzzTest {

  static {
    // A warning per odd input would cost more than the decoding.
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.lakestream.source.logs.fluent"))
        .setLevel(Level.ERROR);
  }

  // Small limits keep each input cheap and make the bounds reachable.
  private static final ForwardLimits LIMITS = new ForwardLimits(64 * 1024, 256, 256 * 1024, 32);

  @FuzzTest(maxDuration = "5m")
  void decode(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int step = (input[0] & 0xFF) + 1;
    try (ForwardDecoder decoder = new ForwardDecoder(LIMITS, "host", "127.0.0.1:1")) {
      for (int i = 1; i < input.length; i += step) {
        decoder.feed(input, i, Math.min(step, input.length - i));
        for (ForwardEntry e; (e = decoder.next()) != null; ) {
          check(e);
        }
        // All that is held between reads is one incomplete entry.
        if (decoder.buffered() >= LIMITS.maxEntryBytes()) {
          throw new AssertionError("holds " + decoder.buffered() + " bytes");
        }
      }
    } catch (ForwardDecodeException expected) {
      // The connection would be closed here: that is the decoder's way to say no.
    }
  }

  private static void check(ForwardEntry e) {
    if (e.records().size() > LIMITS.maxRecords()) {
      throw new AssertionError(e.records().size() + " records");
    }
    for (RawRecord r : e.records()) {
      if (r.error() == null) {
        EventFields.Fields f = EventFields.read(r.value(), 0, r.value().length, "host");
        if (f.error() != null) {
          throw new AssertionError("not one JSON object: " + f.error());
        }
        if (f.id() != null && !r.id().equals(f.id())) {
          throw new AssertionError("id " + r.id() + " but the JSON says " + f.id());
        }
        if (!Arrays.equals(f.key(), r.key())) {
          throw new AssertionError("key differs from the JSON's key field");
        }
      } else if (r.error().isBlank()) {
        throw new AssertionError("undecodable record without a reason");
      }
    }
  }
}
