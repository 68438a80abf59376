package io.keygate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.hsm.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReplayWindowTest {
  private static final long NOW = 1_764_547_200_000L;
  private final MutableClock clock = MutableClock.atMillis(NOW);

  @Test
  void defaultWindow_isFiveMinutesEitherWay_inclusive() {
    ReplayWindow window = ReplayWindow.withDefaultWindow(clock);
    Instant now = window.now();
    long five = Duration.ofMinutes(5).toMillis();

    assertThat(window.accepts(NOW, now)).isTrue();
    assertThat(window.accepts(NOW - five, now)).isTrue();
    assertThat(window.accepts(NOW + five, now)).isTrue();
    assertThat(window.accepts(NOW - five - 1, now)).isFalse();
    assertThat(window.accepts(NOW + five + 1, now)).isFalse();
  }

  @Test
  void window_isConfigurable() {
    ReplayWindow window = new ReplayWindow(clock, Duration.ofSeconds(30));
    assertThat(window.accepts(NOW - 30_000, window.now())).isTrue();
    assertThat(window.accepts(NOW - 30_001, window.now())).isFalse();
  }

  @Test
  void nonceExpiry_isTheLastInstantTheTimestampIsAccepted() {
    ReplayWindow window = ReplayWindow.withDefaultWindow(clock);
    Instant expiry = window.nonceExpiry(NOW + 1000);
    assertThat(window.accepts(NOW + 1000, expiry)).isTrue();
    assertThat(window.accepts(NOW + 1000, expiry.plusMillis(1))).isFalse();
  }

  @Test
  void now_comesFromTheInjectedClock() {
    ReplayWindow window = ReplayWindow.withDefaultWindow(clock);
    clock.advance(Duration.ofHours(1));
    assertThat(window.now()).isEqualTo(Instant.ofEpochMilli(NOW).plus(Duration.ofHours(1)));
  }

  @Test
  void constructor_refusesWindowsBelowOneSecondOrAboveOneDay() {
    assertThatThrownBy(() -> new ReplayWindow(clock, Duration.ofMillis(999))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ReplayWindow(clock, Duration.ofDays(2))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void windowBounds_oneSecondAndOneDay_areInclusive() {
    assertThat(new ReplayWindow(clock, Duration.ofSeconds(1)).window()).isEqualTo(Duration.ofSeconds(1));
    assertThat(new ReplayWindow(clock, Duration.ofDays(1)).window()).isEqualTo(Duration.ofDays(1));
    assertThatThrownBy(() -> new ReplayWindow(clock, Duration.ofMillis(999)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ReplayWindow(clock, Duration.ofDays(1).plusMillis(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
