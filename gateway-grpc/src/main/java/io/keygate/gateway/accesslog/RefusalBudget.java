package io.keygate.gateway.accesslog;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * How many refusal lines the access log may write: at most {@code perSecond} a second, with a
 * burst of one second's worth, so over any span T at most {@code perSecond * (1 + T)} lines. A
 * generic cell rate algorithm on one atomic: no lock on the event loop, no timer. Time comes from
 * an injected monotonic clock.
 */
final class RefusalBudget {
  private final LongSupplier nanoTime;
  private final long interval;
  private final long tolerance;
  private final boolean never;
  /** When the next line would be on schedule (the "theoretical arrival time"). */
  private final AtomicLong next;

  /** @param perSecond 0: no refusal line at all */
  RefusalBudget(int perSecond, LongSupplier nanoTime) {
    if (perSecond < 0) {
      throw new IllegalArgumentException("perSecond must not be negative");
    }
    this.nanoTime = nanoTime;
    this.never = perSecond == 0;
    this.interval = never ? Long.MAX_VALUE : 1_000_000_000L / perSecond;
    this.tolerance = never ? 0 : interval * (perSecond - 1L);
    this.next = new AtomicLong(nanoTime.getAsLong());
  }

  /** Whether one more refusal line may be written now (and if so, it is counted). */
  boolean tryTake() {
    if (never) {
      return false;
    }
    long now = nanoTime.getAsLong();
    while (true) {
      long scheduled = next.get();
      long earliest = scheduled - now > 0 ? scheduled : now;
      if (earliest - now > tolerance) {
        return false;
      }
      if (next.compareAndSet(scheduled, earliest + interval)) {
        return true;
      }
    }
  }
}
