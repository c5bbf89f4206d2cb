package io.lakestream.notify;

/**
 * Counters of one channel since the notifier was created.
 *
 * @param delivered deliveries that succeeded
 * @param failed deliveries that failed for good, including "queue full" ones
 * @param retries retries scheduled
 * @param queued deliveries held right now: waiting for a worker, in flight or waiting to retry
 */
public record ChannelStats(long delivered, long failed, long retries, int queued) {}
