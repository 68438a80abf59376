package io.keygate.gateway.dataplane;

import io.grpc.Context;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One call's allowance before it is authenticated, and the one decision of who ends that phase:
 * the first message arriving (the handler decides the call), the message growing past the limit
 * on the wire or when inflated, or the first-message deadline. Whichever {@link #claim}s first
 * owns the call; the others do nothing, so a call is closed once, whatever thread gets there.
 *
 * <p>Created per stream by {@link PreAuthTracing} (which counts the wire bytes on the transport
 * thread) and found by the handler and {@link PreAuthMarshaller} in the call's {@link Context}.
 */
final class PreAuthBudget {
  static final Context.Key<PreAuthBudget> KEY = Context.key("keygate-preauth-budget");
  // gRPC frames each message with a 5-byte prefix, counted with the wire bytes.
  private static final int FRAME_PREFIX = 5;

  private static final int OPEN = 0;
  private static final int CLAIMED = 1;

  private volatile int maxMessageBytes;
  private final AtomicLong wireBytes = new AtomicLong();
  private final AtomicInteger state = new AtomicInteger(OPEN);
  private volatile Runnable onTooLarge = () -> {};
  private volatile boolean inflatedTooLarge;

  PreAuthBudget(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  int maxMessageBytes() {
    return maxMessageBytes;
  }

  /**
   * Lowers the limit to an API's own (once the call is routed); a larger value changes nothing.
   * If the bytes already read pass the new limit, the call is over it at once.
   */
  void narrowTo(int apiMaxMessageBytes) {
    if (apiMaxMessageBytes <= 0 || apiMaxMessageBytes >= maxMessageBytes) {
      return;
    }
    maxMessageBytes = apiMaxMessageBytes;
    wireBytesRead(0);
  }

  /** What to do (close the call) when the first message proves too large on the wire. */
  void onTooLarge(Runnable action) {
    this.onTooLarge = action;
  }

  /** Counts bytes the transport moved into the call's message buffer (transport thread). */
  void wireBytesRead(long bytes) {
    if (state.get() != OPEN) {
      return; // decided: later messages are the authenticated call's business
    }
    if (wireBytes.addAndGet(bytes) > (long) maxMessageBytes + FRAME_PREFIX && claim()) {
      onTooLarge.run();
    }
  }

  /** The first message inflated past the limit (seen while parsing it). */
  void inflatedPastLimit() {
    inflatedTooLarge = true;
  }

  boolean inflatedTooLarge() {
    return inflatedTooLarge;
  }

  /** Whether the call is still before authentication (its first message still bounded). */
  boolean open() {
    return state.get() == OPEN;
  }

  /** Ends the pre-authentication phase; true for the one caller that does. */
  boolean claim() {
    return state.compareAndSet(OPEN, CLAIMED);
  }
}
