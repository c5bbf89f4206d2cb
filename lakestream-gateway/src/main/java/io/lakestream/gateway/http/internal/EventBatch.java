package io.lakestream.gateway.http.internal;

import java.util.Arrays;

/**
 * The events found in one request body, as spans of that body plus the few facts the gateway needs
 * to route them.
 *
 * <p>Kept as parallel arrays rather than one object per event: a 1000-event batch then costs a
 * handful of allocations instead of a thousand.
 */
public final class EventBatch {

  /** How the body was laid out. */
  public enum Kind {
    /** One JSON object. */
    SINGLE,
    /** A JSON array of objects; positions are 0-based element indexes. */
    ARRAY,
    /** One object per line; positions are 1-based line numbers. */
    NDJSON
  }

  private final Kind kind;
  private int size;
  private int quarantined;
  private int[] starts;
  private int[] lengths;
  private int[] positions;
  private int[] errorColumns;
  private String[] ids;
  private byte[][] keys;
  private String[] errors;
  private final java.util.BitSet generatedIds = new java.util.BitSet();

  EventBatch(Kind kind, int capacity) {
    this.kind = kind;
    int cap = Math.max(1, capacity);
    starts = new int[cap];
    lengths = new int[cap];
    positions = new int[cap];
    ids = new String[cap];
    keys = new byte[cap][];
  }

  /** Adds an event; a null {@code id} means the event has none and one is generated. */
  void add(int start, int length, int position, String id, byte[] key) {
    ensureCapacity();
    starts[size] = start;
    lengths[size] = length;
    positions[size] = position;
    if (id == null) {
      ids[size] = EventIds.next();
      generatedIds.set(size);
    } else {
      ids[size] = id;
    }
    keys[size] = key;
    size++;
  }

  void addQuarantined(int start, int length, int line, int column, String message) {
    ensureCapacity();
    if (errors == null) {
      errors = new String[starts.length];
      errorColumns = new int[starts.length];
    }
    starts[size] = start;
    lengths[size] = length;
    positions[size] = line;
    ids[size] = EventIds.next();
    generatedIds.set(size);
    keys[size] = null;
    errors[size] = message;
    errorColumns[size] = column;
    size++;
    quarantined++;
  }

  private void ensureCapacity() {
    if (size < starts.length) {
      return;
    }
    int cap = starts.length * 2;
    starts = Arrays.copyOf(starts, cap);
    lengths = Arrays.copyOf(lengths, cap);
    positions = Arrays.copyOf(positions, cap);
    ids = Arrays.copyOf(ids, cap);
    keys = Arrays.copyOf(keys, cap);
    if (errors != null) {
      errors = Arrays.copyOf(errors, cap);
      errorColumns = Arrays.copyOf(errorColumns, cap);
    }
  }

  public Kind kind() {
    return kind;
  }

  /** Number of events, quarantined ones included. */
  public int size() {
    return size;
  }

  /** Number of quarantined events (malformed NDJSON lines). */
  public int quarantined() {
    return quarantined;
  }

  /** Number of well-formed events. */
  public int accepted() {
    return size - quarantined;
  }

  /** Offset of event {@code i}'s original bytes in the body. */
  public int start(int i) {
    return starts[i];
  }

  /** Length of event {@code i}'s original bytes. */
  public int length(int i) {
    return lengths[i];
  }

  /** Line number (NDJSON), element index (array) or 0 (single object) of event {@code i}. */
  public int position(int i) {
    return positions[i];
  }

  /** Whether event {@code i}'s id was generated here rather than sent by the client. */
  public boolean idGenerated(int i) {
    return generatedIds.get(i);
  }

  /** Event id: the client's or a generated one. */
  public String id(int i) {
    return ids[i];
  }

  /** UTF-8 key, or {@code null} when the event has none and its id is the key. */
  public byte[] key(int i) {
    return keys[i];
  }

  /** Why event {@code i} is quarantined, or {@code null} when it is well-formed. */
  public String error(int i) {
    return errors == null ? null : errors[i];
  }

  /** 1-based column of event {@code i}'s problem; meaningful only when {@link #error} is set. */
  public int errorColumn(int i) {
    return errorColumns == null ? 0 : errorColumns[i];
  }
}
