package io.keygate.hsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KekIdTest {
  @Test
  void anIdNamesItsKeysInTheTokenAndComparesByValue() {
    KekId kek = KekId.of("kek-2026");

    assertThat(kek.value()).isEqualTo("kek-2026");
    assertThat(kek.label()).isEqualTo(KeyLabel.of("keygate.kek.kek-2026"));
    assertThat(kek.payloadLabel()).isEqualTo(KeyLabel.of("keygate.pkek.kek-2026"));
    assertThat(kek).isEqualTo(new KekId("kek-2026")).hasSameHashCodeAs(new KekId("kek-2026"));
    assertThat(kek).isNotEqualTo(KekId.of("kek-2027"));
    assertThat(kek).hasToString("kek-2026");
    assertThat(KekId.isKekLabel(kek.label())).isTrue();
    assertThat(KekId.isKekLabel(kek.payloadLabel())).isFalse();
  }

  @Test
  void anIdOutsideItsFormIsRefused() {
    for (String bad : new String[] {null, "", "-kek", "Kek", "kek/1", "k".repeat(33)}) {
      assertThatThrownBy(() -> KekId.of(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("a KEK id is 1-32 characters");
      assertThat(KekId.isValid(bad)).isFalse();
    }
    assertThat(KekId.isValid("k".repeat(32))).isTrue();
  }
}
