package io.keygate.hsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PinTest {

  @Test
  void fromFile_readsTheFirstLineWithoutItsNewline() throws Exception {
    Path f = Files.createTempFile("pin", ".txt");
    Files.writeString(f, "s3cr3t-PIN\r\nsecond line\n", StandardCharsets.UTF_8);
    try (Pin pin = Pin.fromFile(f)) {
      assertThat(new String(pin.unsafeChars())).isEqualTo("s3cr3t-PIN");
    }
  }

  @Test
  void fromEnvironment_readsTheVariable_andRefusesMissingOnes() {
    try (Pin pin = Pin.fromEnvironment(Map.of("KEYGATE_PIN", "1234"), "KEYGATE_PIN")) {
      assertThat(pin.unsafeChars()).containsExactly('1', '2', '3', '4');
    }
    assertThatThrownBy(() -> Pin.fromEnvironment(Map.of(), "KEYGATE_PIN"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KEYGATE_PIN");
  }

  @Test
  void close_zeroesThePin_andLaterUseFails() {
    Pin pin = Pin.of("abcd".toCharArray());
    char[] inside = pin.unsafeChars();
    pin.close();
    assertThat(inside).containsOnly('\0');
    assertThatThrownBy(pin::unsafeChars).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void toString_neverShowsThePin() {
    try (Pin pin = Pin.of("abcd-9876".toCharArray())) {
      assertThat(pin.toString()).doesNotContain("abcd").doesNotContain("9876");
      assertThat(String.valueOf(pin)).isEqualTo("Pin[<sensitive>]");
    }
  }

  @Test
  void emptyPin_isRefused() throws Exception {
    Path f = Files.createTempFile("pin", ".txt");
    Files.writeString(f, "\n");
    assertThatThrownBy(() -> Pin.fromFile(f)).isInstanceOf(IllegalArgumentException.class);
  }
}
