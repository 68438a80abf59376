package io.keygate.hsm.pkcs11;

import io.keygate.hsm.HsmHealth;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

/** Remembers whether the last token call worked; changes are timestamped with the injected clock. */
final class HealthTracker {
  private final Clock clock;
  private final AtomicReference<HsmHealth> current;

  HealthTracker(Clock clock) {
    this.clock = clock;
    this.current = new AtomicReference<>(new HsmHealth(HsmHealth.Status.UP, "ok", clock.instant()));
  }

  HsmHealth get() {
    return current.get();
  }

  void up() {
    HsmHealth now = current.get();
    if (!now.isUp()) {
      current.compareAndSet(now, new HsmHealth(HsmHealth.Status.UP, "ok", clock.instant()));
    }
  }

  void down(String reason) {
    HsmHealth now = current.get();
    if (now.isUp() || !now.reason().equals(reason)) {
      current.set(new HsmHealth(HsmHealth.Status.DOWN, reason, clock.instant()));
    }
  }
}
