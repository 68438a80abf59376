package io.keygate.gateway.dataplane;

import io.grpc.Context;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One call's allowance before it is authenticated, and the one decision of who ends that phase:
 * the first message arriving (the handler decides the call), the message growing past the limit
 * on the wire or when inflated, the first-message deadline, or the node's {@link PreAuthCapacity}
 * running out (too many bytes, or the call pushed out as the oldest). Whichever {@link #claim}s
 * first owns the call; the others do nothing, so a call is closed once, whatever thread gets
 * there. Claiming also gives the call's share of the node's capacity back.
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
  private final PreAuthCapacity<PreAuthBudget> node;
  private final AtomicLong wireBytes = new AtomicLong();
  private final AtomicInteger state = new AtomicInteger(OPEN);
  private volatile Runnable onTooLarge = () -> {};
  private volatile Consumer<String> onNoCapacity = detail -> {};
  private volatile Runnable onLate = () -> {};
  private volatile long enteredAt;
  private volatile boolean inflatedTooLarge;
  private volatile boolean inNode;

  /** @param node the node's capacity this call draws from once it {@link #enterNode enters} */
  PreAuthBudget(int maxMessageBytes, PreAuthCapacity<PreAuthBudget> node) {
    this.maxMessageBytes = maxMessageBytes;
    this.node = node;
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

  /**
   * What to do (close the call) when the node's capacity ends it: the detail says why (bytes, or
   * pushed out as the oldest call).
   */
  void onNoCapacity(Consumer<String> action) {
    this.onNoCapacity = action;
  }

  /** What to do (close the call) when its first message is late ({@link FirstMessageDeadlines}). */
  void onLate(Runnable action) {
    this.onLate = action;
  }

  /** {@link #enterNode()}, stamped with the node's {@link FirstMessageDeadlines#now()}. */
  void enterNode(long sweeps) {
    enteredAt = sweeps; // before it is among the node's calls, where the sweep reads it
    enterNode();
  }

  /** The sweep it entered the node at (0 if entered without one). */
  long enteredAt() {
    return enteredAt;
  }

  /** Its first message is late: ends the call, unless something else already did. */
  void endLate() {
    if (claim()) {
      onLate.run();
    }
  }

  /**
   * Counts the call among the node's unauthenticated calls, from now until it is claimed; if
   * the node holds the most already, the oldest of them is ended first to make room. Only for
   * calls that will wait for their first message: others never enter, so they hold nothing.
   */
  void enterNode() {
    inNode = true;
    Optional<PreAuthBudget> oldest = node.enter(this);
    if (!open()) {
      node.leave(this); // claimed meanwhile: that claim may have come before the entry
    }
    oldest.ifPresent(pushedOut -> pushedOut.endForCapacity(
        "pushed out as the oldest unauthenticated call: the node holds its maximum"));
  }

  /** Counts bytes the transport moved into the call's message buffer (transport thread). */
  void wireBytesRead(long bytes) {
    if (state.get() != OPEN) {
      return; // decided: later messages are the authenticated call's business
    }
    long total = wireBytes.addAndGet(bytes);
    if (total > (long) maxMessageBytes + FRAME_PREFIX) {
      if (claim()) {
        onTooLarge.run();
      }
    } else if (inNode && !node.hold(this, total)) {
      endForCapacity("first message at " + total + " bytes would pass the node's budget");
    }
  }

  private void endForCapacity(String detail) {
    if (claim()) {
      onNoCapacity.accept(detail);
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
    if (!state.compareAndSet(OPEN, CLAIMED)) {
      return false;
    }
    if (inNode) {
      node.leave(this);
    }
    return true;
  }
}
