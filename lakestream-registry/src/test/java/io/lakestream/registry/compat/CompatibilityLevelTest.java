package io.lakestream.registry.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CompatibilityLevelTest {

  @ParameterizedTest
  @EnumSource(CompatibilityLevel.class)
  void parsesConfluentNamesInAnyCase(CompatibilityLevel level) {
    assertThat(CompatibilityLevel.parse(level.name())).isEqualTo(level);
    assertThat(CompatibilityLevel.parse(" " + level.name().toLowerCase() + " ")).isEqualTo(level);
  }

  @Test
  void unknownNameListsTheAcceptedOnes() {
    assertThatThrownBy(() -> CompatibilityLevel.parse("BACKWARDS"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'BACKWARDS'")
        .hasMessageContaining("FULL_TRANSITIVE");
    assertThatThrownBy(() -> CompatibilityLevel.parse(null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void directions() {
    assertThat(CompatibilityLevel.FULL.checksBackward()).isTrue();
    assertThat(CompatibilityLevel.FULL.checksForward()).isTrue();
    assertThat(CompatibilityLevel.FORWARD_TRANSITIVE.checksBackward()).isFalse();
    assertThat(CompatibilityLevel.FORWARD_TRANSITIVE.isTransitive()).isTrue();
    assertThat(CompatibilityLevel.NONE.checksBackward()).isFalse();
    assertThat(CompatibilityLevel.NONE.checksForward()).isFalse();
  }

  @Test
  void schemaTypeDefaultsToAvro() {
    assertThat(SchemaType.parse(null)).isEqualTo(SchemaType.AVRO);
    assertThat(SchemaType.parse("json")).isEqualTo(SchemaType.JSON);
    assertThatThrownBy(() -> SchemaType.parse("PROTOBUF"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PROTOBUF");
  }
}
