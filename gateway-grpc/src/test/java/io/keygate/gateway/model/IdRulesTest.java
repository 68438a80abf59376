package io.keygate.gateway.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** What the store lets in as ids, names and method names: checked before any SQL runs. */
class IdRulesTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "tenant-a", "AK.1_x:y", "0123456789012345678901234567890123456789012345678901234567890123"})
  void id_acceptsUpTo64SafeCharacters(String id) {
    assertThat(IdRules.id("tenant id", id)).isEqualTo(id);
  }

  // Trailing spaces compare equal in some databases; quotes and semicolons reach log lines.
  @ParameterizedTest
  @ValueSource(strings = {"", "a ", " a", "a b", "a'b", "a;b", "a/b", "\u00e9", "01234567890123456789012345678901234567890123456789012345678901234"})
  void id_refusesAnythingElse(String id) {
    assertThatThrownBy(() -> IdRules.id("tenant id", id))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("tenant id ");
  }

  @Test
  void name_takes200PrintableCharacters_notBlankNotControl() {
    assertThat(IdRules.name("app name", "x".repeat(200))).hasSize(200);
    assertThat(IdRules.name("app name", " Caf\u00e9 app ")).isEqualTo(" Caf\u00e9 app ");
    for (String bad : new String[] {"", "   ", "x".repeat(201), "a\nb", "a\u0000b", "a\u009fb"}) {
      assertThatThrownBy(() -> IdRules.name("app name", bad)).as(bad).isInstanceOf(InvalidValueException.class);
    }
  }

  @Test
  void methodName_isPackageServiceSlashMethod_atMost255() {
    assertThat(IdRules.methodName("keygate.demo.v1.EchoService/Echo")).isEqualTo("keygate.demo.v1.EchoService/Echo");
    String longest = "a".repeat(153) + "/" + "M".repeat(101);
    assertThat(longest).hasSize(255);
    assertThat(IdRules.methodName(longest)).isEqualTo(longest);
    for (String bad : new String[] {"/p.S/M", "p.S/M/", "p.S", "p.S/", "1p.S/M", "p.S/M x", "a".repeat(154) + "/" + "M".repeat(101)}) {
      assertThatThrownBy(() -> IdRules.methodName(bad)).as(bad).isInstanceOf(InvalidValueException.class);
    }
  }

  @Test
  void backendTarget_returnsTheTextAsWritten_orRefusesIt() {
    assertThat(IdRules.backendTarget("dns:///B.internal:80")).isEqualTo("dns:///B.internal:80");
    assertThatThrownBy(() -> IdRules.backendTarget("unix:///tmp/s")).isInstanceOf(InvalidValueException.class);
  }
}
