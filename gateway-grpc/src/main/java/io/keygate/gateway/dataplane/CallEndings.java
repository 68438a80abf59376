package io.keygate.gateway.dataplane;

import io.grpc.ServerCall;
import java.time.Clock;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Where the data plane reports each call's end ({@link CallOutcomes}: per-API metrics, the access
 * log), with the clocks it is timed by: injected, so tests control time.
 */
public final class CallEndings {
  /** Reports nothing (tests and tools that build a handler without a node). */
  public static final CallEndings NONE =
      new CallEndings(CallOutcomes.NONE, Clock.systemUTC(), System::nanoTime);

  private final CallOutcomes outcomes;
  private final Clock clock;
  private final LongSupplier nanoTime;

  /**
   * @param clock the wall-clock time each ended call carries
   * @param nanoTime a monotonic clock in nanoseconds, for latencies ({@code System::nanoTime})
   */
  public CallEndings(CallOutcomes outcomes, Clock clock, LongSupplier nanoTime) {
    this.outcomes = Objects.requireNonNull(outcomes, "outcomes");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /** Watches {@code call} from now on. */
  ObservedCall observe(ServerCall<byte[], byte[]> call, String requestId) {
    return new ObservedCall(call, requestId, this, nanoTime.getAsLong());
  }

  CallOutcomes outcomes() {
    return outcomes;
  }

  long wallMillis() {
    return clock.millis();
  }

  long nanoTime() {
    return nanoTime.getAsLong();
  }
}
