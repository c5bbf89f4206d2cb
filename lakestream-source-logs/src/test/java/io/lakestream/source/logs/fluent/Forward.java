package io.lakestream.source.logs.fluent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;

/** Builds forward-protocol entries with msgpack-core, as clients send them, for tests. */
public final class Forward {

  /** Fluentd's EventTime: ext type 0, seconds and nanoseconds as 32-bit big-endian. */
  public record EventTime(long seconds, long nanos) {}

  /** Any ext value. */
  public record Ext(byte type, byte[] data) {}

  /** Bytes that are already msgpack, written as they are. */
  public record Raw(byte[] msgpack) {}

  /** A bin value (byte[] is bin too; this one reads better in maps). */
  public record Bin(byte[] bytes) {}

  private Forward() {}

  /** An insertion-ordered map from alternating keys and values. */
  public static Map<Object, Object> map(Object... kv) {
    Map<Object, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  /** One [time, record] event. */
  public static List<Object> event(Object time, Object record) {
    return Arrays.asList(time, record);
  }

  public static byte[] message(String tag, Object time, Object record, Map<?, ?> option) {
    return option == null
        ? pack(Arrays.asList(tag, time, record))
        : pack(Arrays.asList(tag, time, record, option));
  }

  public static byte[] forward(String tag, List<?> events, Map<?, ?> option) {
    return option == null
        ? pack(Arrays.asList(tag, events))
        : pack(Arrays.asList(tag, events, option));
  }

  /** PackedForward with the events as bin. */
  public static byte[] packedForward(String tag, List<?> events, Map<?, ?> option) {
    return packedEntry(tag, new Bin(stream(events)), option);
  }

  /** PackedForward with the events as str, as Fluentd's out_forward sends them. */
  public static byte[] packedForwardStr(String tag, List<?> events, Map<?, ?> option) {
    byte[] s = stream(events);
    try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
      p.packArrayHeader(option == null ? 2 : 3);
      p.packString(tag);
      p.packRawStringHeader(s.length);
      p.writePayload(s);
      if (option != null) {
        write(p, option);
      }
      return p.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * CompressedPackedForward: the events gzipped as {@code members} gzip members (split evenly);
   * {@code compressed: gzip} is added to the option.
   */
  public static byte[] compressedPackedForward(
      String tag, List<?> events, Map<?, ?> option, int members) {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    int per = Math.max(1, (events.size() + members - 1) / members);
    for (int i = 0; i < events.size(); i += per) {
      gz.writeBytes(gzip(stream(events.subList(i, Math.min(events.size(), i + per)))));
    }
    Map<Object, Object> o = new LinkedHashMap<>();
    if (option != null) {
      o.putAll(option);
    }
    o.put("compressed", "gzip");
    return packedEntry(tag, new Bin(gz.toByteArray()), o);
  }

  public static byte[] packedEntry(String tag, Object entries, Map<?, ?> option) {
    return option == null
        ? pack(Arrays.asList(tag, entries))
        : pack(Arrays.asList(tag, entries, option));
  }

  /** Events back to back, the MessagePackEventStream of the PackedForward modes. */
  public static byte[] stream(List<?> events) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object e : events) {
      out.writeBytes(pack(e));
    }
    return out.toByteArray();
  }

  public static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  public static byte[] pack(Object value) {
    try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
      write(p, value);
      return p.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The ack response the server should send for {@code chunk}. */
  public static byte[] ack(String chunk) {
    return pack(map("ack", chunk));
  }

  static void write(MessagePacker p, Object v) throws IOException {
    if (v == null) {
      p.packNil();
    } else if (v instanceof Boolean b) {
      p.packBoolean(b);
    } else if (v instanceof Integer i) {
      p.packInt(i);
    } else if (v instanceof Long l) {
      p.packLong(l);
    } else if (v instanceof BigInteger b) {
      p.packBigInteger(b);
    } else if (v instanceof Float f) {
      p.packFloat(f);
    } else if (v instanceof Double d) {
      p.packDouble(d);
    } else if (v instanceof String s) {
      p.packString(s);
    } else if (v instanceof byte[] b) {
      p.packBinaryHeader(b.length).writePayload(b);
    } else if (v instanceof Bin b) {
      p.packBinaryHeader(b.bytes().length).writePayload(b.bytes());
    } else if (v instanceof Raw r) {
      p.writePayload(r.msgpack());
    } else if (v instanceof EventTime t) {
      byte[] d = new byte[8];
      for (int i = 0; i < 4; i++) {
        d[i] = (byte) (t.seconds() >>> (24 - 8 * i));
        d[4 + i] = (byte) (t.nanos() >>> (24 - 8 * i));
      }
      p.packExtensionTypeHeader((byte) 0, 8).writePayload(d);
    } else if (v instanceof Ext e) {
      p.packExtensionTypeHeader(e.type(), e.data().length).writePayload(e.data());
    } else if (v instanceof List<?> list) {
      p.packArrayHeader(list.size());
      for (Object o : list) {
        write(p, o);
      }
    } else if (v instanceof Map<?, ?> m) {
      p.packMapHeader(m.size());
      for (Map.Entry<?, ?> e : m.entrySet()) {
        write(p, e.getKey());
        write(p, e.getValue());
      }
    } else {
      throw new IllegalArgumentException("cannot pack " + v.getClass());
    }
  }
}
