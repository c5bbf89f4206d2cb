package io.lakestream.source.logs.syslog.internal;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SyslogFrameDecoderTest {

  /** Records what the decoder reports, as text. */
  static final class Recorder implements SyslogFrameDecoder.Frames {
    final List<String> seen = new ArrayList<>();

    @Override
    public void message(byte[] b, int off, int len) {
      seen.add(new String(b, off, len, ISO_8859_1));
    }

    @Override
    public void oversized(byte[] b, int off, int len, long size) {
      seen.add("OVERSIZED " + size + " " + new String(b, off, len, ISO_8859_1));
    }

    @Override
    public void truncated(byte[] b, int off, int len, long size) {
      seen.add("TRUNCATED " + size + " " + new String(b, off, len, ISO_8859_1));
    }
  }

  @Test
  void newlineFramesWithCrlfAndEmptyLines() {
    assertThat(decodeEverySplit("a\nb\r\n\n\r\nc c\n", 100)).containsExactly("a", "b", "c c");
  }

  @Test
  void octetCountedFramesBackToBack() {
    assertThat(decodeEverySplit("3 abc5 hello11 <13>1 - - x", 100))
        .containsExactly("abc", "hello", "<13>1 - - x");
  }

  @Test
  void octetCountedFramesMayContainNewlines() {
    assertThat(decodeEverySplit(counted("a\nb\r\nc") + "\n", 100)).containsExactly("a\nb\r\nc");
  }

  @Test
  void mixedFramingOnOneConnection() {
    String stream =
        "<13>1 - h a - - - one\n"
            + counted("<13>1 - h a - - - two")
            + "<13>Dec  6 01:11:38 h t: three\r\n"
            + counted("<13>1 - h a - - - four")
            + "\n"
            + "<13>five";
    assertThat(decodeEverySplit(stream, 100))
        .containsExactly(
            "<13>1 - h a - - - one",
            "<13>1 - h a - - - two",
            "<13>Dec  6 01:11:38 h t: three",
            "<13>1 - h a - - - four",
            "<13>five");
  }

  @Test
  void digitsWithoutSpaceStartALine() {
    assertThat(decodeEverySplit("12ab\n123\n0 x\n", 100)).containsExactly("12ab", "123", "0 x");
  }

  @Test
  void aNumberOfMoreThan18DigitsIsNotACount() {
    assertThat(decodeEverySplit("1234567890123456789 x\n", 100))
        .containsExactly("1234567890123456789 x");
  }

  @Test
  void oversizedOctetCountedMessageIsCutAndTheRestSkipped() {
    assertThat(decodeEverySplit("15 abcdefghijklmno<1>x\n", 10))
        .containsExactly("OVERSIZED 15 abcdefghij", "<1>x");
  }

  @Test
  void oversizedLineIsCutAndSkippedToTheNextNewline() {
    assertThat(decodeEverySplit("abcdefghijklmnop\nok\n", 10))
        .containsExactly("OVERSIZED 16 abcdefghij", "ok");
  }

  @Test
  void theLimitIsOnTheMessageNotOnItsFraming() {
    assertThat(decodeEverySplit("0123456789\r\n10 0123456789<1>\n0123456789X\r\n", 10))
        .containsExactly("0123456789", "0123456789", "<1>", "OVERSIZED 11 0123456789");
  }

  @Test
  void absurdCountNeverAllocates() {
    SyslogFrameDecoder d = new SyslogFrameDecoder(100);
    Recorder r = new Recorder();
    byte[] header = "99999999999 ".getBytes(ISO_8859_1);
    d.feed(header, 0, header.length, r);
    byte[] junk = new byte[64 * 1024];
    java.util.Arrays.fill(junk, (byte) 'x');
    for (int i = 0; i < 160; i++) { // 10 MB
      d.feed(junk, 0, junk.length, r);
    }
    d.finish(r);

    assertThat(r.seen).containsExactly("OVERSIZED 99999999999 " + "x".repeat(100));
    assertThat(d.bufferCapacity()).isLessThanOrEqualTo(101);
  }

  @Test
  void endlessLineKeepsTheBufferBounded() {
    SyslogFrameDecoder d = new SyslogFrameDecoder(1000);
    Recorder r = new Recorder();
    byte[] junk = new byte[8 * 1024];
    java.util.Arrays.fill(junk, (byte) 'y');
    for (int i = 0; i < 1280; i++) { // 10 MB, fed in small reads so that it is assembled
      d.feed(junk, 0, junk.length, r);
    }
    d.feed(new byte[] {'\n'}, 0, 1, r);

    assertThat(r.seen).containsExactly("OVERSIZED " + (1280L * 8 * 1024) + " " + "y".repeat(1000));
    assertThat(d.bufferCapacity()).isLessThanOrEqualTo(1001);
  }

  @Test
  void endOfStream() {
    assertThat(decodeEverySplit("a\nlast", 100)).containsExactly("a", "last");
    assertThat(decodeEverySplit("a\r", 100)).containsExactly("a");
    assertThat(decodeEverySplit("12", 100)).containsExactly("12");
    assertThat(decodeEverySplit("5 abc", 100)).containsExactly("TRUNCATED 5 abc");
    assertThat(decodeEverySplit("5 ", 100)).containsExactly("TRUNCATED 5 ");
    assertThat(decodeEverySplit("12 abcdefghijk", 10)).containsExactly("OVERSIZED 12 abcdefghij");
    assertThat(decodeEverySplit("12 abcde", 10)).containsExactly("TRUNCATED 12 abcde");
    assertThat(decodeEverySplit("abcdefghijklm", 10)).containsExactly("OVERSIZED 13 abcdefghij");
    assertThat(decodeEverySplit("", 10)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 4711})
  void randomSplitsOfRandomStreams(long seed) {
    Random random = new Random(seed);
    StringBuilder s = new StringBuilder();
    String alphabet = "<>13 \r\n-abc0123456789";
    for (int i = 0; i < 2000; i++) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    String stream = s.toString();
    List<String> whole = decode(stream, 20, List.of(stream.length()));
    for (int round = 0; round < 50; round++) {
      List<Integer> cuts = new ArrayList<>();
      int left = stream.length();
      while (left > 0) {
        int n = 1 + random.nextInt(Math.min(left, 40));
        cuts.add(n);
        left -= n;
      }
      assertThat(decode(stream, 20, cuts)).isEqualTo(whole);
    }
  }

  /** RFC 6587 octet counting: {@code MSG-LEN SP MSG}. */
  private static String counted(String message) {
    return message.length() + " " + message;
  }

  /** Decodes whole and cut at every possible place and in 1-byte reads; all must agree. */
  private static List<String> decodeEverySplit(String stream, int max) {
    List<String> whole = decode(stream, max, List.of(stream.length()));
    List<Integer> bytewise = new ArrayList<>();
    for (int i = 0; i < stream.length(); i++) {
      bytewise.add(1);
    }
    assertThat(decode(stream, max, bytewise)).as("byte by byte").isEqualTo(whole);
    for (int cut = 1; cut < stream.length(); cut++) {
      assertThat(decode(stream, max, List.of(cut, stream.length() - cut)))
          .as("cut at %d", cut)
          .isEqualTo(whole);
    }
    return whole;
  }

  private static List<String> decode(String stream, int max, List<Integer> reads) {
    byte[] b = stream.getBytes(ISO_8859_1);
    SyslogFrameDecoder d = new SyslogFrameDecoder(max);
    Recorder r = new Recorder();
    int at = 0;
    for (int n : reads) {
      // copy each read so that the decoder cannot lean on bytes it was given earlier
      byte[] read = java.util.Arrays.copyOfRange(b, at, at + n);
      d.feed(read, 0, n, r);
      java.util.Arrays.fill(read, (byte) '#');
      at += n;
    }
    d.finish(r);
    assertThat(d.bufferCapacity()).isLessThanOrEqualTo(max + 1);
    return r.seen;
  }
}
