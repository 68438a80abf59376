package io.keygate.gateway.proxy;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Flow control for one direction of a proxied call: asks the source for the next message only
 * once the sink can take more. At most one message is requested and not yet delivered, so the
 * proxy holds at most one message per direction beyond what the transports buffer themselves.
 *
 * <p>Deliveries happen on one thread (the source's serialized callbacks) and readiness is signalled
 * on another (the sink's), so the hand-over is a single flag with a re-check instead of a lock.
 */
final class DemandRelay {
  private final BooleanSupplier sinkReady;
  private final Runnable requestOne;
  /** A message was delivered and the next one is owed as soon as the sink is ready. */
  private final AtomicBoolean owed = new AtomicBoolean();

  /**
   * @param sinkReady whether the sink can take a message now ({@code isReady()})
   * @param requestOne asks the source for one more message ({@code request(1)})
   */
  DemandRelay(BooleanSupplier sinkReady, Runnable requestOne) {
    this.sinkReady = sinkReady;
    this.requestOne = requestOne;
  }

  /**
   * The first demand, made without waiting for readiness: a call that has not connected yet holds
   * that one message itself. Exactly one request at start, then one per delivery, is the count
   * that wrappers which pre-read a message (see {@code FirstMessageReplay}) rely on.
   */
  void start() {
    requestOne.run();
  }

  /** Called after a message was passed to the sink. */
  void delivered() {
    if (sinkReady.getAsBoolean()) {
      requestOne.run();
      return;
    }
    owed.set(true);
    // The sink may have become ready between the check and the flag; its onReady then found
    // nothing owed. Re-check, and let exactly one side (whichever clears the flag) request.
    if (sinkReady.getAsBoolean() && owed.compareAndSet(true, false)) {
      requestOne.run();
    }
  }

  /** Called from the sink's {@code onReady()}. */
  void sinkReady() {
    if (owed.compareAndSet(true, false)) {
      requestOne.run();
    }
  }
}
