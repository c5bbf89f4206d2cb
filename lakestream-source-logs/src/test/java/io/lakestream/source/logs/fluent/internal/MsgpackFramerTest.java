package io.lakestream.source.logs.fluent.internal;

import static io.lakestream.source.logs.fluent.Forward.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.source.logs.fluent.Forward;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class MsgpackFramerTest {

  @Test
  void findsTheEndOfEveryKindOfValue() throws Exception {
    Object value =
        List.of(
            "s".repeat(40),
            "x".repeat(70_000),
            new byte[300],
            -1,
            -100_000L,
            Long.MIN_VALUE,
            new BigInteger("18446744073709551615"),
            1.5f,
            2.5,
            map("k", map(), "l", List.of()),
            new Forward.Ext((byte) 1, new byte[1]),
            new Forward.Ext((byte) 1, new byte[16]),
            new Forward.Ext((byte) 1, new byte[17]),
            new Forward.Ext((byte) 1, new byte[70_000]),
            new Forward.EventTime(1, 2),
            true);
    byte[] bytes = Forward.concat(Forward.pack(value), new byte[] {1, 2, 3});
    MsgpackFramer f = new MsgpackFramer(8);

    assertThat(f.scan(bytes, 0, bytes.length, Integer.MAX_VALUE)).isEqualTo(bytes.length - 3);
  }

  @Test
  void resumesWhereItStoppedAsBytesArrive() throws Exception {
    byte[] bytes = Forward.pack(List.of("tag", List.of(List.of(1, map("a", "b".repeat(100))))));
    MsgpackFramer f = new MsgpackFramer(8);

    for (int end = 1; end < bytes.length; end++) {
      assertThat(f.scan(bytes, 0, end, 1 << 20)).isEqualTo(MsgpackFramer.NEED_MORE);
      assertThat(f.scanned()).isLessThanOrEqualTo(end);
    }
    assertThat(f.scan(bytes, 0, bytes.length, 1 << 20)).isEqualTo(bytes.length);
    assertThat(f.scanned()).isZero(); // ready for the next value
  }

  @Test
  void refusesDepthAndSizeAtTheHeader() {
    MsgpackFramer f = new MsgpackFramer(2);
    byte[] deep = Forward.pack(List.of(List.of(List.of(1))));
    byte[] str32 = {(byte) 0xdb, 0, 1, 0, 0}; // claims 65536 bytes, none present

    assertThatThrownBy(() -> f.scan(deep, 0, deep.length, 100))
        .hasMessageContaining("nested deeper than 2");
    f.reset();
    assertThatThrownBy(() -> new MsgpackFramer(2).scan(str32, 0, str32.length, 1000))
        .isInstanceOfSatisfying(
            MsgpackFramer.Malformed.class,
            m -> {
              assertThat(m.at).isZero();
              assertThat(m.sizeLimit).isTrue();
            });
  }
}
