package io.keygate.admin.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationConverterTest {

  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "90s, 90",
    "15m, 900",
    "12h, 43200",
    "7d, 604800",
    "1d12h, 129600",
    "1h30m15s, 5415",
    "PT36H, 129600",
    "p7d, 604800",
    " 24H , 86400"
  })
  void parses(String text, long seconds) {
    assertThat(DurationConverter.parse(text)).isEqualTo(Duration.ofSeconds(seconds));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "soon", "7", "7x", "-1d", "PT-1H", "d", "1.5h", "99999999999999999999d"})
  void rejects(String text) {
    assertThatThrownBy(() -> DurationConverter.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a duration");
  }
}
