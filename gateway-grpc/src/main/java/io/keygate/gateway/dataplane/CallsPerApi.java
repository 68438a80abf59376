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
  // APIs with no call open have no entry, so the map grows with the APIs in use.
  private final ConcurrentHashMap<String, Integer> openByApi = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();

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
    AtomicBoolean opened = new AtomicBoolean();
    openByApi.compute(apiId, (api, open) -> {
      int held = open == null ? 0 : open;
      if (held >= maxPerApi) {
        return open;
      }
      opened.set(true);
      return held + 1;
    });
    if (!opened.get()) {
      return Optional.empty();
    }
    total.incrementAndGet();
    return Optional.of(new Slot(this, apiId));
  }

  /** Calls the API {@code apiId} has open. */
  int open(String apiId) {
    return openByApi.getOrDefault(apiId, 0);
  }

  /** Calls open on this node, all APIs together. */
  int total() {
    return total.get();
  }

  private void close(String apiId) {
    openByApi.computeIfPresent(apiId, (api, open) -> open == 1 ? null : open - 1);
    total.decrementAndGet();
  }

  /** One open call's place. */
  static final class Slot {
    /** For a call that holds no place (one not admitted yet). */
    static final Slot NONE = new Slot(null, null);

    private final CallsPerApi owner;
    private final String apiId;
    private final AtomicBoolean released = new AtomicBoolean();

    private Slot(CallsPerApi owner, String apiId) {
      this.owner = owner;
      this.apiId = apiId;
    }

    /**
     * Gives the place back; only the first call does anything, so each way a call can end
     * (complete, cancel, deadline, refusal, revocation, error) may release it without counting
     * twice.
     */
    void release() {
      if (owner != null && released.compareAndSet(false, true)) {
        owner.close(apiId);
      }
    }
  }
}
