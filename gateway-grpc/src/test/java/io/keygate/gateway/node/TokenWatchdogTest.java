package io.keygate.gateway.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.hsm.HsmHealth;
import io.keygate.hsm.TokenHealth;
import io.keygate.hsm.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** When a node gives up on its token: after the bound of continuous unavailability, once. */
class TokenWatchdogTest {
  private static final Instant T0 = Instant.parse("2026-12-04T12:00:00Z");
  private final MutableClock clock = new MutableClock(T0);
  private final AtomicInteger lost = new AtomicInteger();
  private HsmHealth seen = new HsmHealth(HsmHealth.Status.UP, "ok", T0);
  private final TokenHealth token = new TokenHealth() {
    @Override
    public HsmHealth health() {
      return seen;
    }

    @Override
    public HsmHealth probe() {
      throw new AssertionError("the watchdog must not talk to the token");
    }
  };
  private final TokenWatchdog watchdog =
      new TokenWatchdog(token, clock, Duration.ofSeconds(15), lost::incrementAndGet);

  @Test
  void aTokenDownForTheBound_isGivenUpOnce() {
    seen = new HsmHealth(HsmHealth.Status.DOWN, "CKR_DEVICE_REMOVED", T0);
    clock.advance(Duration.ofSeconds(14));
    watchdog.run();
    assertThat(lost).hasValue(0);

    clock.advance(Duration.ofSeconds(1));
    watchdog.run();
    watchdog.run();
    assertThat(lost).hasValue(1);
  }

  @Test
  void aTokenThatCameBack_isNotGivenUp_andItsNextOutageCountsFromItsOwnStart() {
    clock.advance(Duration.ofMinutes(5));
    watchdog.run();
    seen = new HsmHealth(HsmHealth.Status.DOWN, "CKR_DEVICE_ERROR", clock.instant());
    clock.advance(Duration.ofSeconds(10));
    watchdog.run();
    seen = new HsmHealth(HsmHealth.Status.UP, "ok", clock.instant()); // a probe succeeded
    clock.advance(Duration.ofSeconds(10));
    watchdog.run();
    seen = new HsmHealth(HsmHealth.Status.DOWN, "CKR_DEVICE_ERROR", clock.instant());
    clock.advance(Duration.ofSeconds(10));
    watchdog.run();

    assertThat(lost).hasValue(0);
  }
}
