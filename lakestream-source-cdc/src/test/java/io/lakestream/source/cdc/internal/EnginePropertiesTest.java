package io.lakestream.source.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.api.config.CdcSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class EnginePropertiesTest {

  private final CdcSettings settings =
      new CdcSettings(
          "db",
          5433,
          "shop",
          "cdc",
          "pw",
          List.of("public.orders", "sales.line$items"),
          "slot1",
          "pub1",
          "never");

  @Test
  void theConnectorIsSetUpForPgoutputAndOurOffsets() {
    Properties p =
        EngineProperties.of(
            "orders",
            settings,
            Path.of("/data/cdc/orders"),
            Duration.ofMillis(20),
            Duration.ofSeconds(10));
    assertThat(p.getProperty("plugin.name")).isEqualTo("pgoutput");
    assertThat(p.getProperty("slot.name")).isEqualTo("slot1");
    assertThat(p.getProperty("publication.name")).isEqualTo("pub1");
    assertThat(p.getProperty("publication.autocreate.mode")).isEqualTo("filtered");
    assertThat(p.getProperty("snapshot.mode")).isEqualTo("no_data");
    assertThat(p.getProperty("offset.storage")).isEqualTo(DurableOffsetStore.class.getName());
    assertThat(p.getProperty("offset.storage.file.filename"))
        .isEqualTo("/data/cdc/orders/offsets.json");
    assertThat(p.getProperty("offset.flush.interval.ms")).isEqualTo("0");
    assertThat(p.getProperty("poll.interval.ms")).isEqualTo("20");
    assertThat(p.getProperty("decimal.handling.mode")).isEqualTo("precise");
    assertThat(p.getProperty("database.port")).isEqualTo("5433");
    assertThat(p.getProperty("database.password")).isEqualTo("pw");
  }

  @Test
  void tableNamesMatchLiterally() {
    String list = EngineProperties.tableIncludeList(settings);
    assertThat(list).isEqualTo("public\\.orders,sales\\.line\\$items");
    Pattern orders = Pattern.compile(list.split(",")[0]);
    assertThat(orders.matcher("public.orders").matches()).isTrue();
    assertThat(orders.matcher("publicXorders").matches()).isFalse();
    assertThat(EngineProperties.snapshotMode("initial")).isEqualTo("initial");
  }
}
