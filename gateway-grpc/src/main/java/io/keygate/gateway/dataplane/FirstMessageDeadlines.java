package io.keygate.gateway.dataplane;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends the calls whose first message is late, with one periodic sweep for the node instead of a
 * timer per call. Every call has the same time for its first message, and the node's {@link
 * PreAuthCapacity} holds the calls still waiting for it oldest first, so a sweep reads only the
 * late ones and the first that is not.
 *
 * <p>Why not a timer per call: it was scheduled and cancelled within microseconds (an honest
 * client's first message arrives right behind its headers), yet a cancelled task stays in the
 * scheduler's queue until its time comes, and the timer thread woke up for each one: a wake-up,
 * a heap operation under the scheduler's lock and the task itself, for every signed call.
 *
 * <p>Time is counted in sweeps, so nothing reads a clock and tests drive it with the scheduler: a
 * call is late once {@link #SWEEPS_PER_TIMEOUT} + 1 sweeps have run since it entered, between 1
 * and 1.25 times the timeout after it did.
 */
final class FirstMessageDeadlines {
  static final int SWEEPS_PER_TIMEOUT = 4;
  private static final Logger LOG = System.getLogger("io.keygate.gateway.dataplane");

  private final PreAuthCapacity<PreAuthBudget> waiting;
  private volatile long sweeps; // written by the one sweeping thread only

  /** @param waiting the node's calls before authentication, oldest first */
  FirstMessageDeadlines(PreAuthCapacity<PreAuthBudget> waiting) {
    this.waiting = waiting;
  }

  /** Sweeps on {@code timers} every {@code timeout} / {@value #SWEEPS_PER_TIMEOUT}. */
  ScheduledFuture<?> start(ScheduledExecutorService timers, Duration timeout) {
    long period = Math.max(1, timeout.toNanos() / SWEEPS_PER_TIMEOUT);
    return timers.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.NANOSECONDS);
  }

  /** The sweeps so far: what a call entering now is stamped with ({@link PreAuthBudget#enterNode(long)}). */
  long now() {
    return sweeps;
  }

  /** Ends every call that entered more than {@value #SWEEPS_PER_TIMEOUT} sweeps ago. */
  void sweep() {
    long now = sweeps + 1;
    sweeps = now;
    for (PreAuthBudget late : waiting.oldestWhile(b -> now - b.enteredAt() > SWEEPS_PER_TIMEOUT)) {
      try {
        late.endLate();
      } catch (RuntimeException e) {
        // A periodic task that throws is never run again: every later call would wait forever.
        LOG.log(Level.ERROR, "ending a call whose first message is late failed", e);
      }
    }
  }
}
