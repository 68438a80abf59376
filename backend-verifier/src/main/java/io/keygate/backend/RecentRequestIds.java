package io.keygate.backend;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * The request ids attested within the time window, so a captured call cannot be delivered twice.
 * Bounded: when {@code capacity} ids are live, new calls are refused (fail closed) rather than
 * risk a replay. An id is remembered until its own timestamp leaves the window. Thread-safe.
 */
final class RecentRequestIds {
  private record Entry(String id, long forgetAtMillis) {}

  private final int capacity;
  private final Set<String> live = new HashSet<>();
  // Attested calls arrive roughly in timestamp order: the head is (nearly) the first to expire.
  private final ArrayDeque<Entry> order = new ArrayDeque<>();

  RecentRequestIds(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
  }

  enum Outcome { FIRST, REPLAYED, FULL }

  synchronized Outcome record(String requestId, long forgetAtMillis, long nowMillis) {
    while (!order.isEmpty() && order.peekFirst().forgetAtMillis() <= nowMillis) {
      live.remove(order.pollFirst().id());
    }
    if (live.contains(requestId)) {
      return Outcome.REPLAYED;
    }
    if (live.size() >= capacity) {
      return Outcome.FULL;
    }
    live.add(requestId);
    order.addLast(new Entry(requestId, forgetAtMillis));
    return Outcome.FIRST;
  }
}
