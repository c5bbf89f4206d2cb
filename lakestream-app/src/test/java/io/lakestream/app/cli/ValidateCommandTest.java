package io.lakestream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {

  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();

  @Test
  void theBundledExampleIsValid() {
    int code = Main.run("validate", "../examples/iot/pipeline.yaml");
    assertThat(code).isZero();
    assertThat(console.out())
        .contains("OK — pipeline 'iot-demo', 4 source(s)")
        .contains("sensors")
        .contains("key=device_id");
  }

  @Test
  void everyProblemIsListedWithFileLineAndPathAndTheExitCodeIsOne(@TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve("s.json"), "{\"type\":\"object\",\"properties\":{\"ts\":{}}}");
    Path file = dir.resolve("p.yaml");
    Files.writeString(
        file,
        """
        pipeline: demo
        checkpoint_interval: soon
        sources:
          sensors:
            type: amqp
            schema: s.json
            key: device_id
            event_time: {field: ts}
        """);
    int code = Main.run("validate", file.toString());
    assertThat(code).isEqualTo(1);
    String text = console.err();
    assertThat(text)
        .contains("3 problems")
        .contains("p.yaml:2:22: checkpoint_interval:")
        .contains("p.yaml:5:11: sources.sensors.type:")
        .contains("p.yaml:7:10: sources.sensors.key:");
    assertThat(console.out()).isEmpty();
  }
}
