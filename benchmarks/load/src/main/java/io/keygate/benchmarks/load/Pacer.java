package io.keygate.benchmarks.load;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Spaces the calls of every slot of a workload to a fixed rate (open loop within the slots'
 * concurrency): each call takes the next start time on one shared schedule. A schedule that fell
 * behind (the target was slower than the rate for a while) is not caught up in a burst: a call
 * never starts more than one interval's worth of calls early, so the rate stays an upper bound.
 */
final class Pacer {
  private final long intervalNanos;
  private final AtomicLong next = new AtomicLong(System.nanoTime());

  Pacer(double callsPerSecond) {
    if (!(callsPerSecond > 0)) {
      throw new IllegalArgumentException("rate must be positive, not " + callsPerSecond);
    }
    this.intervalNanos = Math.max(1, Math.round(1e9 / callsPerSecond));
  }

  /** How long the caller waits before its call starts; takes its place on the schedule. */
  long delayNanos() {
    long now = System.nanoTime();
    long slot = next.getAndUpdate(n -> Math.max(n, now - intervalNanos) + intervalNanos);
    return Math.max(0, Math.max(slot, now - intervalNanos) - now);
  }
}
