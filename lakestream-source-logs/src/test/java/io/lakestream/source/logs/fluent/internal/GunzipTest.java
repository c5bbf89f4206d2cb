package io.lakestream.source.logs.fluent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.source.logs.fluent.Forward;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class GunzipTest {

  private static final byte[] TEXT =
      "forward protocol entries, forward protocol entries".getBytes(StandardCharsets.UTF_8);

  @Test
  void readsEveryOptionalHeaderField() throws Exception {
    try (Gunzip g = new Gunzip()) {
      byte[] member = member(TEXT, true);

      g.inflate(member, 0, member.length, 1024);

      assertThat(Arrays.copyOf(g.output(), g.length())).isEqualTo(TEXT);
    }
  }

  @Test
  void concatenatedMembersAreOneOutput() throws Exception {
    try (Gunzip g = new Gunzip()) {
      byte[] two =
          Forward.concat(Forward.gzip(TEXT), member(TEXT, true), Forward.gzip(new byte[0]));

      g.inflate(two, 0, two.length, 1024);

      assertThat(Arrays.copyOf(g.output(), g.length())).isEqualTo(Forward.concat(TEXT, TEXT));
    }
  }

  @Test
  void theCapCountsEveryMember() {
    try (Gunzip g = new Gunzip()) {
      byte[] two = Forward.concat(Forward.gzip(TEXT), Forward.gzip(TEXT));

      assertThatThrownBy(() -> g.inflate(two, 0, two.length, TEXT.length + 10))
          .isInstanceOf(Gunzip.Failure.class)
          .hasMessageContaining("member 2 inflates to more than");
    }
  }

  @Test
  void outputExactlyAtTheCapIsFine() throws Exception {
    try (Gunzip g = new Gunzip()) {
      byte[] one = Forward.gzip(TEXT);

      g.inflate(one, 0, one.length, TEXT.length);

      assertThat(g.length()).isEqualTo(TEXT.length);
    }
  }

  @Test
  void badHeadersAreRefused() {
    byte[] good = member(TEXT, true);
    byte[] method = good.clone();
    method[2] = 7;
    byte[] reserved = good.clone();
    reserved[3] |= (byte) 0x80;
    byte[] cutInName = Arrays.copyOf(good, 14);
    byte[] wrongSize = good.clone();
    wrongSize[wrongSize.length - 1] ^= 1;

    try (Gunzip g = new Gunzip()) {
      assertThatThrownBy(() -> g.inflate(method, 0, method.length, 1024))
          .hasMessageContaining("compression method 7");
      assertThatThrownBy(() -> g.inflate(reserved, 0, reserved.length, 1024))
          .hasMessageContaining("reserved header flags");
      assertThatThrownBy(() -> g.inflate(cutInName, 0, cutInName.length, 1024))
          .hasMessageContaining("header is truncated");
      assertThatThrownBy(() -> g.inflate(wrongSize, 0, wrongSize.length, 1024))
          .hasMessageContaining("wrong length");
    }
  }

  /** A gzip member with FEXTRA, FNAME, FCOMMENT and FHCRC set, as few encoders write. */
  private static byte[] member(byte[] data, boolean allFields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        new byte[] {0x1f, (byte) 0x8b, 8, (byte) (allFields ? 0x1e : 0), 0, 0, 0, 0, 0, 3});
    if (allFields) {
      out.writeBytes(new byte[] {3, 0, 'a', 'b', 'c'}); // FEXTRA
      out.writeBytes("entries.msgpack\0".getBytes(StandardCharsets.ISO_8859_1)); // FNAME
      out.writeBytes("a comment\0".getBytes(StandardCharsets.ISO_8859_1)); // FCOMMENT
      out.writeBytes(new byte[] {0x12, 0x34}); // FHCRC (not checked)
    }
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    d.setInput(data);
    d.finish();
    byte[] buf = new byte[data.length + 64];
    int n = d.deflate(buf);
    d.end();
    out.write(buf, 0, n);
    CRC32 crc = new CRC32();
    crc.update(data);
    long c = crc.getValue();
    out.writeBytes(
        new byte[] {
          (byte) c,
          (byte) (c >>> 8),
          (byte) (c >>> 16),
          (byte) (c >>> 24),
          (byte) data.length,
          (byte) (data.length >>> 8),
          (byte) (data.length >>> 16),
          (byte) (data.length >>> 24)
        });
    return out.toByteArray();
  }
}
