package io.lakestream.jobs.enrich;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** A test helper that records what {@link ReferenceData} logs, to assert on warnings. */
final class LogCapture implements AutoCloseable {

  private final Logger logger = (Logger) LoggerFactory.getLogger(ReferenceData.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  LogCapture() {
    appender.start();
    logger.addAppender(appender);
    if (!logger.isDebugEnabled()) {
      logger.setLevel(Level.DEBUG);
    }
  }

  /** The formatted WARN messages so far. */
  List<String> warnings() {
    return messages(Level.WARN);
  }

  /** The formatted messages of a level so far. */
  List<String> messages(Level level) {
    // the appender adds under its own lock (AppenderBase.doAppend is synchronized)
    synchronized (appender) {
      return appender.list.stream()
          .filter(e -> e.getLevel() == level)
          .map(ILoggingEvent::getFormattedMessage)
          .toList();
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
