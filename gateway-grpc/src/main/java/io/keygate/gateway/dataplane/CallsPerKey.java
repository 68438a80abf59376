package io.keygate.gateway.dataplane;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many calls each AccessKey has open on this node: a call is let in only while its key has
 * fewer than the limit open, and it gives its place back exactly once when it ends, however it
 * ends. Plain: no gRPC types; {@link CallAdmission} takes places, {@link GatewayCallHandler}
 * gives them back when the call completes or is cancelled.
 *
 * <p>Only authenticated and authorized calls take a place. A caller that merely names a key in
 * its headers, without the key's secret, could otherwise lock the key's owner out by holding
 * the key's places with calls that never authenticate; those calls are bounded by the node's
 * limits before authentication ({@link PreAuthCapacity}) instead.
 */
final class CallsPerKey {
  private final int maxPerKey;
  // Keys with no call open have no entry, so the map grows with the keys in use, not with every
  // key ever seen.
  private final ConcurrentHashMap<String, Integer> openByKey = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();

  CallsPerKey(int maxPerKey) {
    if (maxPerKey < 1) {
      throw new IllegalArgumentException("maxPerKey must be positive");
    }
    this.maxPerKey = maxPerKey;
  }

  int maxPerKey() {
    return maxPerKey;
  }

  /** A place for one more call of {@code accessKey}; empty if the key has the most open. */
  Optional<Slot> tryOpen(String accessKey) {
    AtomicBoolean opened = new AtomicBoolean();
    openByKey.compute(accessKey, (key, open) -> {
      int held = open == null ? 0 : open;
      if (held >= maxPerKey) {
        return open;
      }
      opened.set(true);
      return held + 1;
    });
    if (!opened.get()) {
      return Optional.empty();
    }
    total.incrementAndGet();
    return Optional.of(new Slot(this, accessKey));
  }

  /** Calls {@code accessKey} has open. */
  int open(String accessKey) {
    return openByKey.getOrDefault(accessKey, 0);
  }

  /** Calls open on this node, all keys together. */
  int total() {
    return total.get();
  }

  private void close(String accessKey) {
    openByKey.computeIfPresent(accessKey, (key, open) -> open == 1 ? null : open - 1);
    total.decrementAndGet();
  }

  /** One open call's place. */
  static final class Slot {
    /** For a call no key counts (an API whose auth mode is NONE). */
    static final Slot NONE = new Slot(null, null);

    private final CallsPerKey owner;
    private final String accessKey;
    private final AtomicBoolean released = new AtomicBoolean();

    private Slot(CallsPerKey owner, String accessKey) {
      this.owner = owner;
      this.accessKey = accessKey;
    }

    /**
     * Gives the place back; only the first call does anything, so each way a call can end
     * (complete, cancel, refusal, error) may release it without counting twice.
     */
    void release() {
      if (owner != null && released.compareAndSet(false, true)) {
        owner.close(accessKey);
      }
    }
  }
}
