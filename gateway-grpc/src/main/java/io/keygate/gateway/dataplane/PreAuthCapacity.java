package io.keygate.gateway.dataplane;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What the calls on this node that are not authenticated yet may hold together: how many are in
 * that phase at once, and how many first-message bytes they buffer. One per node, shared by every
 * call's {@link PreAuthBudget}; plain (no gRPC types), one lock, O(1) per step.
 *
 * <p>Calls: when the node already holds the most, the <em>oldest</em> is pushed out to make room.
 * A legitimate client sends its first message right behind its headers and leaves the phase
 * within a round trip, while a call that stalls there grows old; so a flood of stalled calls
 * pushes out its own members, not the newcomers, and cannot lock honest clients out. Memory stays
 * bounded either way.
 *
 * <p>Bytes: a call's first {@code freeBytesPerCall} bytes are not drawn from the shared budget
 * (the call limit already bounds them, so a small first message always fits); a call whose bytes
 * beyond that would pass the node's budget is refused instead of buffered.
 *
 * @param <C> what identifies a call (its budget; any object compared by identity in tests)
 */
final class PreAuthCapacity<C> {
  /** Bytes of each call's first message that are not drawn from the node's byte budget. */
  static final int FREE_BYTES_PER_CALL = 4 << 10;

  private final int maxCalls;
  private final long maxBytes;
  private final int freeBytesPerCall;
  // Insertion order is age: the first entry is the oldest call. The value: bytes it draws.
  private final LinkedHashMap<C, Long> members = new LinkedHashMap<>();
  private long bytes;

  /**
   * @param maxCalls calls the node holds before authentication at once
   * @param maxBytes first-message bytes they may buffer together beyond each one's free bytes
   */
  PreAuthCapacity(int maxCalls, long maxBytes, int freeBytesPerCall) {
    if (maxCalls < 1 || maxBytes < 1 || freeBytesPerCall < 0) {
      throw new IllegalArgumentException(
          "maxCalls and maxBytes must be positive, freeBytesPerCall not negative");
    }
    this.maxCalls = maxCalls;
    this.maxBytes = maxBytes;
    this.freeBytesPerCall = freeBytesPerCall;
  }

  /**
   * Counts {@code call} in; if the node already holds the most, the oldest call leaves (its bytes
   * with it) and is returned: the caller must end it. Entering twice changes nothing.
   */
  synchronized Optional<C> enter(C call) {
    if (members.containsKey(call)) {
      return Optional.empty();
    }
    Optional<C> oldest = Optional.empty();
    if (members.size() >= maxCalls) {
      Iterator<Map.Entry<C, Long>> first = members.entrySet().iterator();
      Map.Entry<C, Long> pushedOut = first.next();
      first.remove();
      bytes -= pushedOut.getValue();
      oldest = Optional.of(pushedOut.getKey());
    }
    members.put(call, 0L);
    return oldest;
  }

  /**
   * Holds what {@code call} has buffered so far, if the node's budget allows; a call that is not
   * (or no longer) in needs no room.
   *
   * @param wireBytes all the call's first-message bytes so far (never decreases)
   * @return false if they would pass the budget: nothing changed, refuse the call
   */
  synchronized boolean hold(C call, long wireBytes) {
    Long held = members.get(call);
    if (held == null) {
      return true;
    }
    long draws = Math.max(0, wireBytes - freeBytesPerCall);
    if (draws <= held) {
      return true;
    }
    if (bytes - held + draws > maxBytes) {
      return false;
    }
    bytes += draws - held;
    members.put(call, draws); // replacing a value keeps the call's age
    return true;
  }

  /** {@code call} is out of the phase: gives back its place and its bytes (once; then nothing). */
  synchronized void leave(C call) {
    Long held = members.remove(call);
    if (held != null) {
      bytes -= held;
    }
  }

  /**
   * The calls in the phase, oldest first, for as long as {@code late} says so: the ones a deadline
   * every call shares has passed ({@link FirstMessageDeadlines}). Reads those and one more. They
   * stay in until they {@link #leave}.
   */
  synchronized List<C> oldestWhile(Predicate<? super C> late) {
    List<C> found = null;
    for (C call : members.keySet()) {
      if (!late.test(call)) {
        break;
      }
      if (found == null) {
        found = new ArrayList<>();
      }
      found.add(call);
    }
    return found == null ? List.of() : found;
  }

  /** Calls in the phase now. */
  synchronized int calls() {
    return members.size();
  }

  /** Bytes they draw from the budget now. */
  synchronized long bytes() {
    return bytes;
  }
}
