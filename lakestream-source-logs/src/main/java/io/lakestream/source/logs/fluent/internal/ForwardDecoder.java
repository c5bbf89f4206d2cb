package io.lakestream.source.logs.fluent.internal;

import io.lakestream.api.ingest.EventIds;
import io.lakestream.api.ingest.RawRecord;
import io.lakestream.source.logs.fluent.internal.ForwardEntry.Mode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.msgpack.core.ExtensionTypeHeader;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.core.buffer.ArrayBufferInput;
import org.msgpack.value.ValueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A streaming decoder for one connection of the Fluentd forward protocol (v1): bytes go in as they
 * arrive, split anywhere; complete entries come out as raw records.
 *
 * <p>{@code ForwardDecoder d = new ForwardDecoder(limits, "host", "127.0.0.1:40312"); while
 * (d.readFrom(in) >= 0) { for (ForwardEntry e; (e = d.next()) != null; ) send(e); } }
 *
 * <p>Accepts the Message, Forward, PackedForward (bin or str) and CompressedPackedForward (one or
 * more gzip members) modes; times as integers, floats, EventTime (ext 0) or msgpack timestamps (ext
 * -1), and Fluent Bit's {@code [time, metadata]} pairs (the metadata is dropped). A msgpack nil
 * between entries is a heartbeat and is skipped. Options read: {@code chunk} (ids and acks), {@code
 * size} (checked against the limit before anything is decompressed; a count that differs is
 * logged), {@code compressed} ({@code gzip}; other values are ignored, as the spec says). The
 * {@code shared_key} handshake (HELO/PING/PONG) is not implemented: a PING is a decode error that
 * says so. The JSON form that {@code in_forward} also takes is not supported either.
 *
 * <p>Bounds: an entry is framed by reading msgpack headers only ({@link MsgpackFramer}) and is
 * decoded once it is complete; a header claiming more bytes or elements than the entry limit
 * allows, nesting more than 8 levels past the record limit, more records than allowed, or gzip
 * output past its cap fails the entry at once. A record nested deeper than the record limit (but
 * within that) goes to the error zone alone. Memory held is the incomplete entry (at most the entry
 * limit plus one read) and, for compressed entries, the decompressed bytes (at most their cap).
 *
 * <p>Ids: a record's own {@code id} field if it has one (a string or integer); else, when the entry
 * has a {@code chunk} option, {@code <chunk>-<index>}, so a chunk the client resends after a lost
 * ack gets the same ids and the job's dedup drops the copies (this relies on clients never reusing
 * a chunk id for other data, which the spec requires: it is a unique 128-bit id); else a generated
 * id.
 *
 * <p>Errors: a record that is not a map (or has an unusable time) becomes an undecodable record
 * with its msgpack bytes and the reason; anything wrong with the entry as a whole is a {@link
 * ForwardDecodeException}, after which the decoder refuses to go on (the stream cannot be
 * resynchronised). Only that exception leaves {@link #next()}.
 *
 * <p>Not thread-safe: one per connection. {@link #close()} frees the gzip inflater.
 */
public final class ForwardDecoder implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ForwardDecoder.class);

  /** Bytes asked for per socket read; also what the buffer keeps free for the next read. */
  static final int READ_SIZE = 64 * 1024;

  /** Buffers past this are given back once the large entry that needed them is gone. */
  private static final int KEEP_BUFFER = 1 << 20;

  /** Record offset tables past this are given back after the entry that needed them. */
  private static final int KEEP_OFFSETS = 1 << 16;

  /** Chunk ids are 24 characters of base64; anything much longer is not a Fluentd chunk id. */
  static final int MAX_CHUNK_ID = 256;

  /**
   * Framing allows this many levels beyond the record limit: three for the arrays around a record
   * (entry, entries, [time, record]), the rest so that a record a little too deep goes to the error
   * zone as a record instead of failing its whole entry.
   */
  private static final int FRAMING_LEVELS = 8;

  private final ForwardLimits limits;
  private final String peer;
  private final MsgpackFramer framer;
  private final MsgpackFramer inner;
  private final RecordJson json;
  private final Gunzip gunzip = new Gunzip();
  private final ArrayBufferInput entryInput = new ArrayBufferInput(new byte[0]);
  private final ArrayBufferInput recordInput = new ArrayBufferInput(new byte[0]);
  private final MessageUnpacker entryUnpacker = MessagePack.newDefaultUnpacker(entryInput);
  private final MessageUnpacker recordUnpacker = MessagePack.newDefaultUnpacker(recordInput);

  private byte[] buf = new byte[READ_SIZE];
  private int start;
  private int end;
  private long streamOffset;
  private long entryCount;
  private ForwardDecodeException failed;
  private boolean warnedSize;

  private int[] starts = new int[16];
  private int[] lengths = new int[16];

  private long cachedSecond = Long.MIN_VALUE;
  private String cachedSecondText;

  /**
   * @param keyField the source's key field, whose value becomes the Kafka key
   * @param peer the client's address, for origins and logs, e.g. {@code 127.0.0.1:40312}
   */
  public ForwardDecoder(ForwardLimits limits, String keyField, String peer) {
    this.limits = limits;
    this.peer = peer;
    this.framer = new MsgpackFramer(limits.maxDepth() + FRAMING_LEVELS);
    this.inner = new MsgpackFramer(limits.maxDepth() + FRAMING_LEVELS);
    this.json = new RecordJson(keyField, limits.maxDepth());
  }

  /**
   * Reads once from {@code in} into the decoder's buffer. Call {@link #next()} until it returns
   * {@code null} before reading again.
   *
   * @return bytes read, or -1 at the end of the stream
   */
  public int readFrom(InputStream in) throws IOException {
    makeRoom(READ_SIZE);
    int n = in.read(buf, end, buf.length - end);
    if (n > 0) {
      end += n;
    }
    return n;
  }

  /** Appends bytes, e.g. in tests. Call {@link #next()} until it returns {@code null} after. */
  public void feed(byte[] bytes, int off, int len) {
    makeRoom(len);
    System.arraycopy(bytes, off, buf, end, len);
    end += len;
  }

  /** Bytes received and not yet returned as entries: the start of an incomplete entry. */
  public int buffered() {
    return end - start;
  }

  /** Bytes of the stream consumed as complete entries so far. */
  public long offset() {
    return streamOffset;
  }

  /**
   * The next complete entry, or {@code null} when more bytes are needed. Heartbeats (nil) are
   * skipped.
   *
   * @throws ForwardDecodeException when the next entry is malformed or breaks a limit; every later
   *     call throws it again
   */
  public ForwardEntry next() throws ForwardDecodeException {
    if (failed != null) {
      throw failed;
    }
    try {
      while (start < end) {
        int len;
        try {
          len = framer.scan(buf, start, end, limits.maxEntryBytes());
        } catch (MsgpackFramer.Malformed m) {
          throw new ForwardDecodeException(
              "frame",
              streamOffset + m.at,
              m.sizeLimit ? m.getMessage() + " (max_chunk_size)" : m.getMessage());
        }
        if (len == MsgpackFramer.NEED_MORE) {
          return null;
        }
        int off = start;
        long at = streamOffset;
        start += len;
        streamOffset += len;
        ForwardEntry entry = decode(buf, off, len, at);
        if (entry != null) {
          return entry;
        }
      }
      return null;
    } catch (ForwardDecodeException e) {
      failed = e;
      throw e;
    } finally {
      json.trim();
      if (starts.length > KEEP_OFFSETS) {
        starts = new int[16];
        lengths = new int[16];
      }
    }
  }

  private void makeRoom(int wanted) {
    int live = end - start;
    if (live == 0) {
      start = 0;
      end = 0;
      if (buf.length > KEEP_BUFFER) {
        buf = new byte[READ_SIZE];
      }
    }
    if (buf.length - end >= wanted) {
      return;
    }
    if (start > 0 && buf.length - live >= wanted) {
      System.arraycopy(buf, start, buf, 0, live);
    } else {
      // Grows only as bytes actually arrive: an incomplete entry is below the entry limit, or the
      // framer would have refused it.
      long size = Math.max((long) buf.length * 2, (long) live + wanted);
      size =
          Math.min(size, Math.max((long) limits.maxEntryBytes() + READ_SIZE, (long) live + wanted));
      byte[] bigger = new byte[(int) Math.min(size, Integer.MAX_VALUE - 64)];
      System.arraycopy(buf, start, bigger, 0, live);
      buf = bigger;
    }
    start = 0;
    end = live;
  }

  private ForwardEntry decode(byte[] b, int off, int len, long at) throws ForwardDecodeException {
    try {
      MessageUnpacker u = reset(entryUnpacker, entryInput, b, off, len);
      MessageFormat f = u.getNextFormat();
      if (f.getValueType() == ValueType.NIL) {
        LOG.debug("fluent {}: heartbeat (nil) at byte {}", peer, at);
        return null;
      }
      if (f.getValueType() != ValueType.ARRAY) {
        boolean json = b[off] == '{' || b[off] == '[';
        throw new ForwardDecodeException(
            "entry",
            at,
            "expected a msgpack array (a forward-protocol entry), got "
                + RecordJson.describe(f)
                + (json ? "; the JSON form of the forward protocol is not supported" : ""));
      }
      int n = u.unpackArrayHeader();
      if (n < 2) {
        throw new ForwardDecodeException(
            "entry", at, "an entry has 2 to 4 elements, this one has " + n);
      }
      MessageFormat tagFormat = u.getNextFormat();
      if (tagFormat.getValueType() != ValueType.STRING
          && tagFormat.getValueType() != ValueType.BINARY) {
        throw new ForwardDecodeException(
            "entry", at, "the tag is " + RecordJson.describe(tagFormat) + ", expected a string");
      }
      String tag = u.unpackString();
      if (n == 6 && tag.equals("PING")) {
        throw new ForwardDecodeException(
            "handshake",
            at,
            "the client sent a PING: the shared_key handshake is not implemented; configure the"
                + " client's forward output without shared_key/<security>");
      }
      if (n > 4) {
        throw new ForwardDecodeException(
            "entry", at, "an entry has 2 to 4 elements, this one has " + n);
      }
      int pos = off + (int) u.getTotalReadBytes();
      int entryEnd = off + len;
      MessageFormat second = u.getNextFormat();
      return switch (second.getValueType()) {
        case INTEGER, FLOAT, EXTENSION -> message(b, off, len, pos, n, tag, at);
        case ARRAY -> forward(b, off, len, pos, n, tag, at);
        case STRING, BINARY -> packed(b, len, pos, entryEnd, n, tag, at);
        default ->
            throw new ForwardDecodeException(
                "entry",
                at,
                "the second element is "
                    + RecordJson.describe(second)
                    + ": expected a time (Message), an array (Forward) or bin/str (PackedForward)");
      };
    } catch (IOException | MessagePackException e) {
      // The framer checked the structure; msgpack-core may still reject details (e.g. sizes past
      // int range), and that is the entry's fault, not the connection's.
      throw new ForwardDecodeException("entry", at, "malformed msgpack: " + e.getMessage());
    }
  }

  private ForwardEntry message(byte[] b, int off, int len, int pos, int n, String tag, long at)
      throws ForwardDecodeException, IOException {
    if (n < 3) {
      throw new ForwardDecodeException(
          "entry", at, "a Message entry is [tag, time, record, option?], this one has 2 elements");
    }
    int entryEnd = off + len;
    int timeLen = sub(b, pos, entryEnd, at);
    int recordLen = sub(b, pos + timeLen, entryEnd, at);
    Options o = n == 4 ? options(b, pos + timeLen + recordLen, entryEnd, at) : Options.NONE;
    Context c = context(tag, o.chunk);
    List<RawRecord> out = new ArrayList<>(1);
    c.add(out, convert(b, pos, timeLen + recordLen, false, b, off, len, 0, c));
    return entry(Mode.MESSAGE, c, o, out, len, at);
  }

  private ForwardEntry forward(byte[] b, int off, int len, int pos, int n, String tag, long at)
      throws ForwardDecodeException, IOException {
    int entryEnd = off + len;
    MessageUnpacker u = reset(entryUnpacker, entryInput, b, pos, entryEnd - pos);
    int count = u.unpackArrayHeader();
    checkCount(count, at);
    int q = pos + (int) u.getTotalReadBytes();
    ensureOffsets(count);
    for (int i = 0; i < count; i++) {
      starts[i] = q;
      lengths[i] = sub(b, q, entryEnd, at);
      q += lengths[i];
    }
    Options o = n == 3 ? options(b, q, entryEnd, at) : Options.NONE;
    checkSize(o, count, tag, at);
    Context c = context(tag, o.chunk);
    List<RawRecord> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      c.add(out, convert(b, starts[i], lengths[i], true, b, starts[i], lengths[i], i, c));
    }
    return entry(Mode.FORWARD, c, o, out, len, at);
  }

  private ForwardEntry packed(byte[] b, int len, int pos, int entryEnd, int n, String tag, long at)
      throws ForwardDecodeException, IOException {
    MessageUnpacker u = reset(entryUnpacker, entryInput, b, pos, entryEnd - pos);
    int size =
        u.getNextFormat().getValueType() == ValueType.BINARY
            ? u.unpackBinaryHeader()
            : u.unpackRawStringHeader();
    int dataPos = pos + (int) u.getTotalReadBytes();
    Options o = n == 3 ? options(b, dataPos + size, entryEnd, at) : Options.NONE;
    if (o.size > limits.maxRecords()) {
      throw new ForwardDecodeException(
          "option",
          at,
          "option size says "
              + o.size
              + " records, more than max_records ("
              + limits.maxRecords()
              + ")");
    }
    byte[] data = b;
    int dataOff = dataPos;
    int dataLen = size;
    if (o.gzip) {
      try {
        gunzip.inflate(b, dataPos, size, limits.maxDecompressedBytes());
      } catch (Gunzip.Failure e) {
        throw new ForwardDecodeException("gzip", at, e.getMessage());
      }
      data = gunzip.output();
      dataOff = 0;
      dataLen = gunzip.length();
    }
    int dataEnd = dataOff + dataLen;
    int count = 0;
    for (int p = dataOff; p < dataEnd; count++) {
      if (count == limits.maxRecords()) {
        throw new ForwardDecodeException(
            "packed",
            at,
            "the entry holds more than max_records (" + limits.maxRecords() + ") records");
      }
      int l;
      inner.reset();
      try {
        // No size limit here: the bytes are all present, so a value claiming more than is left
        // comes back as NEED_MORE, which for a complete stream means truncated.
        l = inner.scan(data, p, dataEnd, Integer.MAX_VALUE);
      } catch (MsgpackFramer.Malformed m) {
        throw new ForwardDecodeException(
            "packed",
            at,
            "record "
                + count
                + " at byte "
                + (p - dataOff + m.at)
                + " of the "
                + (o.gzip ? "decompressed " : "")
                + "entries: "
                + m.getMessage());
      }
      if (l == MsgpackFramer.NEED_MORE) {
        throw new ForwardDecodeException(
            "packed",
            at,
            "the "
                + (o.gzip ? "decompressed " : "")
                + "entries end in the middle of record "
                + count
                + " (byte "
                + (p - dataOff)
                + " of "
                + dataLen
                + ")");
      }
      ensureOffsets(count + 1);
      starts[count] = p;
      lengths[count] = l;
      p += l;
    }
    checkSize(o, count, tag, at);
    Context c = context(tag, o.chunk);
    List<RawRecord> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      c.add(out, convert(data, starts[i], lengths[i], true, data, starts[i], lengths[i], i, c));
    }
    return entry(o.gzip ? Mode.COMPRESSED_PACKED_FORWARD : Mode.PACKED_FORWARD, c, o, out, len, at);
  }

  /**
   * Converts one event: {@code [time, record]} when {@code pair}, else time and record back to back
   * (Message mode). {@code orig} is kept for the error zone if it cannot be converted.
   */
  private RawRecord convert(
      byte[] b,
      int off,
      int len,
      boolean pair,
      byte[] orig,
      int origOff,
      int origLen,
      int index,
      Context c)
      throws IOException {
    MessageUnpacker u = reset(recordUnpacker, recordInput, b, off, len);
    try {
      if (pair) {
        MessageFormat f = u.getNextFormat();
        if (f.getValueType() != ValueType.ARRAY) {
          throw new RecordJson.Problem(
              "an event is " + RecordJson.describe(f) + ", expected [time, record]");
        }
        int n = u.unpackArrayHeader();
        if (n != 2) {
          throw new RecordJson.Problem(
              "an event is an array of " + n + " elements, expected [time, record]");
        }
      }
      String time = time(u, false);
      byte[] value = json.write(u, c.tag, time);
      String own = json.id();
      String origin = c.origin(index);
      if (own != null) {
        return RawRecord.event(own, false, json.key(), value, origin);
      }
      if (c.chunk != null) {
        return RawRecord.event(c.chunk + "-" + index, false, json.key(), value, origin);
      }
      return RawRecord.event(EventIds.next(), true, json.key(), value, origin);
    } catch (RecordJson.Problem p) {
      c.undecodable++;
      byte[] original = Arrays.copyOfRange(orig, origOff, origOff + origLen);
      String origin = c.origin(index);
      // A chunk-derived id comes back with a resent chunk, so the copy is dropped by dedup too.
      return c.chunk != null
          ? new RawRecord(c.chunk + "-" + index, false, null, original, origin, p.getMessage())
          : RawRecord.undecodable(EventIds.next(), original, origin, p.getMessage());
    }
  }

  /** Reads a time value as ISO-8601 UTC text. */
  private String time(MessageUnpacker u, boolean nested) throws IOException, RecordJson.Problem {
    MessageFormat f = u.getNextFormat();
    switch (f.getValueType()) {
      case INTEGER -> {
        if (f == MessageFormat.UINT64) {
          BigInteger big = u.unpackBigInteger();
          if (big.bitLength() > 63) {
            throw new RecordJson.Problem("time " + big + " is out of range");
          }
          return iso(big.longValue(), 0);
        }
        return iso(u.unpackLong(), 0);
      }
      case FLOAT -> {
        double d = u.unpackDouble();
        if (!Double.isFinite(d) || Math.abs(d) > 1e17) {
          throw new RecordJson.Problem("time " + d + " is out of range");
        }
        long seconds = (long) Math.floor(d);
        long nanos = Math.round((d - Math.floor(d)) * 1e9);
        if (nanos >= 1_000_000_000L) {
          seconds++;
          nanos -= 1_000_000_000L;
        }
        return iso(seconds, nanos);
      }
      case EXTENSION -> {
        ExtensionTypeHeader h = u.unpackExtensionTypeHeader();
        if (h.getType() == 0 && h.getLength() == 8) {
          byte[] t = u.readPayload(8);
          long nanos = RecordJson.be32(t, 4);
          if (nanos > 999_999_999L) {
            throw new RecordJson.Problem("EventTime has " + nanos + " nanoseconds");
          }
          return iso(RecordJson.be32(t, 0), nanos);
        }
        if (h.getType() == -1) {
          Instant t;
          try {
            t = u.unpackTimestamp(h);
          } catch (RuntimeException e) {
            throw new RecordJson.Problem("invalid msgpack timestamp as time: " + e.getMessage());
          }
          return iso(t.getEpochSecond(), t.getNano());
        }
        throw new RecordJson.Problem(
            "time is an ext value of type "
                + h.getType()
                + " and length "
                + h.getLength()
                + ", expected EventTime (type 0, length 8)");
      }
      case ARRAY -> {
        // Fluent Bit 2.x can send [[time, metadata], record]; the metadata is not kept.
        int n = u.unpackArrayHeader();
        if (!nested && n >= 1) {
          String t = time(u, true);
          u.skipValue(n - 1);
          return t;
        }
      }
      default -> {}
    }
    throw new RecordJson.Problem(
        "time is " + RecordJson.describe(f) + ", expected an integer or EventTime");
  }

  private String iso(long seconds, long nanos) throws RecordJson.Problem {
    if (seconds < Instant.MIN.getEpochSecond() || seconds > Instant.MAX.getEpochSecond()) {
      throw new RecordJson.Problem("time " + seconds + " is out of range");
    }
    if (seconds != cachedSecond) {
      String s = Instant.ofEpochSecond(seconds).toString();
      cachedSecondText = s.substring(0, s.length() - 1);
      cachedSecond = seconds;
    }
    if (nanos == 0) {
      return cachedSecondText + "Z";
    }
    // As Instant.toString: the fraction in groups of three digits.
    StringBuilder sb = new StringBuilder(cachedSecondText.length() + 11).append(cachedSecondText);
    int digits;
    long fraction;
    if (nanos % 1_000_000 == 0) {
      digits = 3;
      fraction = nanos / 1_000_000;
    } else if (nanos % 1000 == 0) {
      digits = 6;
      fraction = nanos / 1000;
    } else {
      digits = 9;
      fraction = nanos;
    }
    String f = Long.toString(fraction);
    sb.append('.');
    for (int i = f.length(); i < digits; i++) {
      sb.append('0');
    }
    return sb.append(f).append('Z').toString();
  }

  /** Frames one value inside an entry that was already framed as a whole. */
  private int sub(byte[] b, int from, int to, long at) throws ForwardDecodeException {
    inner.reset();
    try {
      int l = inner.scan(b, from, to, Integer.MAX_VALUE);
      if (l != MsgpackFramer.NEED_MORE) {
        return l;
      }
    } catch (MsgpackFramer.Malformed m) {
      throw new ForwardDecodeException("entry", at, m.getMessage());
    }
    throw new ForwardDecodeException("entry", at, "the entry ends in the middle of a value");
  }

  private Options options(byte[] b, int from, int to, long at)
      throws ForwardDecodeException, IOException {
    MessageUnpacker u = reset(entryUnpacker, entryInput, b, from, to - from);
    MessageFormat f = u.getNextFormat();
    if (f.getValueType() == ValueType.NIL) {
      return Options.NONE;
    }
    if (f.getValueType() != ValueType.MAP) {
      throw new ForwardDecodeException(
          "option", at, "the option is " + RecordJson.describe(f) + ", expected a map");
    }
    int n = u.unpackMapHeader();
    String chunk = null;
    long size = -1;
    boolean gzip = false;
    for (int i = 0; i < n; i++) {
      MessageFormat k = u.getNextFormat();
      if (k.getValueType() != ValueType.STRING) {
        u.skipValue(2); // not an option this spec defines
        continue;
      }
      String name = u.unpackString();
      MessageFormat v = u.getNextFormat();
      switch (name) {
        case "chunk" -> {
          if (v.getValueType() != ValueType.STRING) {
            throw new ForwardDecodeException(
                "option", at, "option chunk is " + RecordJson.describe(v) + ", expected a string");
          }
          chunk = u.unpackString();
          if (chunk.isEmpty() || chunk.length() > MAX_CHUNK_ID) {
            throw new ForwardDecodeException(
                "option",
                at,
                "option chunk has "
                    + chunk.length()
                    + " characters; a chunk id is 1 to "
                    + MAX_CHUNK_ID);
          }
        }
        case "size" -> {
          if (v.getValueType() != ValueType.INTEGER || v == MessageFormat.UINT64) {
            throw new ForwardDecodeException(
                "option",
                at,
                "option size is " + RecordJson.describe(v) + ", expected a record count");
          }
          size = u.unpackLong();
          if (size < 0) {
            throw new ForwardDecodeException("option", at, "option size is negative: " + size);
          }
        }
        case "compressed" -> {
          if (v.getValueType() == ValueType.STRING) {
            gzip = u.unpackString().equals("gzip");
          } else {
            u.skipValue();
          }
        }
        default -> u.skipValue();
      }
    }
    return new Options(chunk, size, gzip);
  }

  private void checkCount(int count, long at) throws ForwardDecodeException {
    if (count > limits.maxRecords()) {
      throw new ForwardDecodeException(
          "entry",
          at,
          "the entry holds "
              + count
              + " records, more than max_records ("
              + limits.maxRecords()
              + ")");
    }
  }

  private void checkSize(Options o, int count, String tag, long at) {
    if (o.size >= 0 && o.size != count && !warnedSize) {
      warnedSize = true; // once per connection: a client that gets it wrong gets it wrong always
      LOG.warn(
          "fluent {}: entry at byte {} (tag {}) says size {} but holds {} records; using the"
              + " records",
          peer,
          at,
          printable(tag),
          o.size,
          count);
    }
  }

  /** The tag for a log line: control characters escaped, so a tag cannot forge log lines. */
  private static String printable(String s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), 200));
    for (int i = 0; i < s.length() && i < 200; i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return s.length() > 200 ? sb.append("...").toString() : sb.toString();
  }

  private void ensureOffsets(int count) {
    if (starts.length < count) {
      int size = Math.max(count, starts.length * 2);
      starts = Arrays.copyOf(starts, size);
      lengths = Arrays.copyOf(lengths, size);
    }
  }

  private Context context(String tag, String chunk) {
    entryCount++;
    return new Context(
        tag,
        chunk,
        "fluent "
            + peer
            + " tag "
            + tag
            + (chunk != null ? " chunk " + chunk : " entry " + entryCount)
            + " record ");
  }

  private static ForwardEntry entry(
      Mode mode, Context c, Options o, List<RawRecord> records, int len, long at) {
    return new ForwardEntry(mode, c.tag, o.chunk, records, c.undecodable, len, c.jsonBytes, at);
  }

  private static MessageUnpacker reset(
      MessageUnpacker u, ArrayBufferInput input, byte[] b, int off, int len) throws IOException {
    input.reset(b, off, len);
    u.reset(input);
    return u;
  }

  @Override
  public void close() {
    gunzip.close();
  }

  private record Options(String chunk, long size, boolean gzip) {
    static final Options NONE = new Options(null, -1, false);
  }

  /** What the records of one entry share. */
  private static final class Context {
    final String tag;
    final String chunk;
    final String originPrefix;
    int undecodable;
    long jsonBytes;

    Context(String tag, String chunk, String originPrefix) {
      this.tag = tag;
      this.chunk = chunk;
      this.originPrefix = originPrefix;
    }

    String origin(int index) {
      return originPrefix + index;
    }

    void add(List<RawRecord> out, RawRecord r) {
      out.add(r);
      jsonBytes += r.value().length;
    }
  }
}
