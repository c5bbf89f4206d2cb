package io.lakestream.notify;

import static io.lakestream.notify.Fixtures.alert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.lakestream.api.alert.AlertEvent;
import io.lakestream.notify.DeliveryOutcome.Status;
import io.lakestream.notify.Fixtures.Recorder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogChannelTest {

  private final Logger logger = (Logger) LoggerFactory.getLogger(LogChannel.LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private Level level;
  private boolean additive;

  @BeforeEach
  void attach() {
    level = logger.getLevel();
    additive = logger.isAdditive();
    logger.setLevel(Level.INFO);
    logger.setAdditive(false);
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(appender);
    logger.setLevel(level);
    logger.setAdditive(additive);
  }

  @Test
  void oneLinePerAlertWarnForOpenInfoForResolved() {
    Recorder recorder = new Recorder();
    try (Notifier notifier = Notifier.create(List.of(LogConfig.of("log")), recorder)) {
      notifier.submit(alert("a-1"));
      notifier.submit(alert("a-1", AlertEvent.Status.RESOLVED, "hot_devices", "critical"));
      await().atMost(Duration.ofSeconds(5)).until(() -> appender.list.size() == 2);
      await().atMost(Duration.ofSeconds(5)).until(() -> recorder.finals().size() == 2);
    }
    ILoggingEvent open = appender.list.get(0);
    ILoggingEvent resolved = appender.list.get(1);
    assertThat(open.getLevel()).isEqualTo(Level.WARN);
    assertThat(resolved.getLevel()).isEqualTo(Level.INFO);
    assertThat(open.getFormattedMessage())
        .isEqualTo(
            "alert status=open severity=critical pipeline=iot-demo detector=hot_devices"
                + " type=threshold input=sensors field=temperature key=dev-7 value=81.5"
                + " expected=null low=null high=60.0 score=0.36"
                + " event_time=2026-11-23T10:04:59.120Z alert_id=a-1"
                + " message=\"temperature 81.5 above 60\"");
    assertThat(resolved.getFormattedMessage()).startsWith("alert status=resolved ");
    assertThat(open.getKeyValuePairs())
        .anySatisfy(
            kv -> {
              assertThat(kv.key).isEqualTo("detector");
              assertThat(kv.value).isEqualTo("hot_devices");
            });
    assertThat(recorder.finals()).allMatch(o -> o.status() == Status.DELIVERED);
  }

  @Test
  void quotesValuesThatNeedIt() {
    assertThat(LogChannel.quote("plain")).isEqualTo("plain");
    assertThat(LogChannel.quote("")).isEqualTo("\"\"");
    assertThat(LogChannel.quote("two words")).isEqualTo("\"two words\"");
    assertThat(LogChannel.quote("a=b")).isEqualTo("\"a=b\"");
    assertThat(LogChannel.quote("say \"hi\"\nbye\\")).isEqualTo("\"say \\\"hi\\\"\\nbye\\\\\"");
  }
}
