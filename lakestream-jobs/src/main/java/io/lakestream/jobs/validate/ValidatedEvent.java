package io.lakestream.jobs.validate;

import io.lakestream.jobs.ingest.RawEvent;

/** An event that passed validation, with its event time. A Flink POJO. */
public class ValidatedEvent extends RawEvent {
  /** Event time in microseconds since the epoch. */
  public long eventTimeMicros;

  public ValidatedEvent() {}

  static ValidatedEvent of(RawEvent e, long eventTimeMicros) {
    ValidatedEvent v = new ValidatedEvent();
    v.id = e.id;
    v.source = e.source;
    v.key = e.key;
    v.ingestTime = e.ingestTime;
    v.value = e.value;
    v.origin = e.origin;
    v.topic = e.topic;
    v.partition = e.partition;
    v.offset = e.offset;
    v.eventTimeMicros = eventTimeMicros;
    return v;
  }
}
