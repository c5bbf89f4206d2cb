package io.lakestream.api.ingest;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Generates event ids for events that carry none: time-ordered UUIDs laid out as version 7.
 *
 * <p>Time-ordered ids keep the dedup state and lake files roughly sorted by arrival. The 74 random
 * bits come from {@link ThreadLocalRandom} (SecureRandom per event would cost more than parsing the
 * event) mixed with a per-process secret salt, so two gateway processes started at the same instant
 * still draw different ids.
 */
public final class EventIds {

  private static final long SALT = new SecureRandom().nextLong();

  private EventIds() {}

  /** A new id such as {@code 0190f5c2-7a1b-7c3d-9e4f-0123456789ab}. */
  public static String next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long millis = System.currentTimeMillis();
    long msb = (millis << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
    long lsb = ((random.nextLong() ^ SALT) & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb).toString();
  }
}
