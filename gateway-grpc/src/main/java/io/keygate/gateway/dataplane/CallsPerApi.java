package io.keygate.gateway.dataplane;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many calls each API has open on this node: a call is let in only while its API has fewer
 * than the limit open, and it gives its place back exactly once when it ends, however it ends.
 * So one API whose backend slows down or hangs, or that a client floods with long streams, holds
 * at most its limit of the node's calls, and calls on unrelated APIs are still served. Plain: no
 * gRPC types; {@link CallAdmission} takes places, {@link GatewayCallHandler} gives them back when
 * the proxy is done with the call.
 *
 * <p>A call of a signature-mode API takes its place only once it is authenticated and authorized
 * (with its AccessKey's, {@link CallsPerKey}), so calls that merely name an API cannot lock it
 * for everybody; those are bounded by {@link PreAuthCapacity}. A call of an API without
 * authentication takes its place as it is routed: anyone may call such an API, and its limit
 * keeps them from starving the others.
 */
final class CallsPerApi {
  private final int maxPerApi;
  // One counter per API called since the node started, kept at zero when idle: API ids come from
  // the configuration, not from callers, so the map stays as small as the registry. Counters
  // instead of a compute() per call: every call of an API opens and closes here, on the
  // transport's event loops, and a CAS does not take the map's lock.
  private final ConcurrentHashMap<String, AtomicInteger> openByApi = new ConcurrentHashMap<>();

  CallsPerApi(int maxPerApi) {
    if (maxPerApi < 1) {
      throw new IllegalArgumentException("maxPerApi must be positive");
    }
    this.maxPerApi = maxPerApi;
  }

  int maxPerApi() {
    return maxPerApi;
  }

  /** A place for one more call of the API {@code apiId}; empty if the API has the most open. */
  Optional<Slot> tryOpen(String apiId) {
    AtomicInteger open = openByApi.computeIfAbsent(apiId, id -> new AtomicInteger());
    int held;
    do {
      held = open.get();
      if (held >= maxPerApi) {
        return Optional.empty();
      }
    } while (!open.compareAndSet(held, held + 1));
    return Optional.of(new Slot(open));
  }

  /** Calls the API {@code apiId} has open. */
  int open(String apiId) {
    AtomicInteger open = openByApi.get(apiId);
    return open == null ? 0 : open.get();
  }

  /** Calls open on this node, all APIs together (for metrics and tests: sums the counters). */
  int total() {
    int total = 0;
    for (AtomicInteger open : openByApi.values()) {
      total += open.get();
    }
    return total;
  }

  /** One open call's place. */
  static final class Slot {
    /** For a call that holds no place (one not admitted yet). */
    static final Slot NONE = new Slot(null);

    private final AtomicInteger open;
    private final AtomicBoolean released = new AtomicBoolean();

    private Slot(AtomicInteger open) {
      this.open = open;
    }

    /**
     * Gives the place back; only the first call does anything, so each way a call can end
     * (complete, cancel, deadline, refusal, revocation, error) may release it without counting
     * twice.
     */
    void release() {
      if (open != null && released.compareAndSet(false, true)) {
        open.decrementAndGet();
      }
    }
  }
}
