package io.lakestream.api.ingest;

import java.util.List;

/**
 * A running source endpoint (syslog listener, forward listener, MQTT broker or client, CDC engine).
 * Created by the source's module from its settings, a {@link RawSink} and its {@link
 * SourceCounters}; started and closed by {@code up}.
 */
public interface IngestServer extends AutoCloseable {

  /**
   * Binds or connects. Throws with a message a user can act on (e.g. the port is in use, naming it
   * and the pipeline setting that chose it) when it cannot.
   */
  void start() throws Exception;

  /**
   * Where it listens or what it reads, for the startup banner, e.g. {@code syslog tcp
   * 127.0.0.1:5514}.
   */
  List<String> endpoints();

  /**
   * Stops taking new data, waits (bounded) for the acknowledgements still due, and releases its
   * ports and threads. Idempotent.
   */
  @Override
  void close();
}
