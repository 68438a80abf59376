package io.keygate.gateway.dataplane;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Decides where a signed call's token work runs: on the event loop that received the call, or on
 * the {@link HsmLane}. On the loop the call is spared two hand-offs between threads, to a lane
 * thread and back, each of which wakes a sleeping thread when the node is not saturated; on the
 * lane a token that is slow, or hangs, holds a lane thread instead of a loop and every connection
 * on it. The loop is chosen only while both of these hold:
 *
 * <ul>
 *   <li><b>The token is fast.</b> A moving average of the last checks' durations (wall time,
 *       wherever they ran; each new check weighs 1/8) is below the limit, 200 µs by default. A
 *       token in the process or on a PCIe card checks in tens of microseconds; a network HSM
 *       takes 0.3 to 2 ms and so never gets a check on a loop. The average starts at twice the
 *       limit: a node's first checks go to the lane, and only checks measured fast open the loop.
 *       A token that turns slow closes it again within a few checks.
 *   <li><b>A loop stays free.</b> At most {@code permits} checks run on loops at once, one fewer
 *       than the node has loops: a token that hangs in a check holds at most all loops but one,
 *       and that one goes on serving calls without signatures, refusals and the checks handed to
 *       the lane. A node with one loop never checks on it.
 * </ul>
 *
 * Thread-safe and lock-free: the loops and the lane threads report to it at once.
 */
final class LoopChecks {
  /** A node that always checks on the lane. */
  static final LoopChecks NEVER = new LoopChecks(0, Duration.ZERO);

  private static final int WEIGHT_SHIFT = 3; // each check weighs 1/8 of the average

  private final AtomicInteger permits;
  private final long limitNanos;
  private final AtomicLong averageNanos;
  private final LongAdder onLoops = new LongAdder();
  private final LongAdder onLane = new LongAdder();

  /**
   * @param permits checks that may run on loops at once (0: none ever does)
   * @param limit the average check duration below which a loop may check ({@link Duration#ZERO}:
   *     never)
   */
  LoopChecks(int permits, Duration limit) {
    if (permits < 0 || limit.isNegative()) {
      throw new IllegalArgumentException("permits and limit must not be negative");
    }
    this.permits = new AtomicInteger(permits);
    this.limitNanos = limit.toNanos();
    this.averageNanos = new AtomicLong(2 * limitNanos);
  }

  /**
   * Whether the calling loop may run the next check itself. True takes a permit, which {@link
   * #leave} gives back once the check is done.
   */
  boolean tryEnter() {
    if (averageNanos.get() >= limitNanos) {
      return false;
    }
    int free = permits.get();
    while (free > 0) {
      if (permits.compareAndSet(free, free - 1)) {
        onLoops.increment();
        return true;
      }
      free = permits.get();
    }
    return false;
  }

  /** A check that {@link #tryEnter} let run on a loop is done, after {@code tookNanos}. */
  void leave(long tookNanos) {
    permits.incrementAndGet();
    learn(tookNanos);
  }

  /** A check that ran on the lane took {@code tookNanos}. */
  void record(long tookNanos) {
    onLane.increment();
    learn(tookNanos);
  }

  private void learn(long tookNanos) {
    long took = Math.max(0, tookNanos);
    averageNanos.getAndUpdate(average -> average + ((took - average) >> WEIGHT_SHIFT));
  }

  /** The moving average of the checks' durations, for the node's metrics. */
  Duration average() {
    return Duration.ofNanos(averageNanos.get());
  }

  /** Checks run on event loops since the node started (metrics). */
  long onLoops() {
    return onLoops.sum();
  }

  /** Checks that ran on the lane since the node started (metrics). */
  long onLane() {
    return onLane.sum();
  }
}
