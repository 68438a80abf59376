package io.keygate.gateway.proxy;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.keygate.gateway.model.BackendTls;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One backend's channels in {@link BackendChannels}: one per event loop (one in all without
 * loops), the calls that hold them, the TLS policy they were built under, and when they were last
 * used. Counts calls across the loops, so the per-backend limit is the backend's, not a loop's.
 */
final class BackendChannelSet {
  /** One per loop (one in all without loops); each connects on first use. */
  final ManagedChannel[] channels;
  /** Calls holding the channel; -1 once retired, after which no lease is granted. */
  final AtomicInteger calls = new AtomicInteger();
  volatile long lastUsedMillis;
  /** The TLS policy it was built with; replaced by an equal one to keep the check cheap. */
  private volatile Optional<BackendTls> policy;
  /** Its policy changed: it takes no new call, those on it finish. */
  volatile boolean retired;

  BackendChannelSet(ManagedChannel[] channels, Optional<BackendTls> policy, long nowMillis) {
    this.channels = channels;
    this.policy = policy;
    this.lastUsedMillis = nowMillis;
  }

  /** Whether it was built with {@code current} (each snapshot holds its own equal copies). */
  boolean builtFor(Optional<BackendTls> current) {
    Optional<BackendTls> built = policy;
    if (built == current) {
      return true;
    }
    boolean same = built.isPresent() == current.isPresent()
        && (built.isEmpty() || built.get() == current.get() || built.get().equals(current.get()));
    if (same) {
      policy = current;
    }
    return same;
  }

  /** The calls now held, this one included; 0 if the channel is full, -1 if retired. */
  int tryAcquire(int max) {
    while (true) {
      int n = calls.get();
      if (n < 0) {
        return -1;
      }
      if (n >= max) {
        return 0;
      }
      if (calls.compareAndSet(n, n + 1)) {
        if (retired) { // its policy changed meanwhile: the caller looks again
          calls.decrementAndGet();
          return -1;
        }
        return n + 1;
      }
    }
  }

  void release(long nowMillis) {
    // Time first: the reaper reads it only after it sees the count at zero.
    lastUsedMillis = nowMillis;
    calls.decrementAndGet();
  }

  /**
   * Makes an idle channel connect, outside any call's context. Leaving idle runs the channel's
   * own work (resolving, connecting, starting each instance's health-check stream) on the
   * calling thread; in a call's context those streams would take that context and be cancelled
   * when the call ends, so the instances would count as unhealthy (seen in tests). Cheap when
   * the channel is not idle: one read of its state.
   */
  static void leaveIdle(ManagedChannel channel) {
    Context.ROOT.run(() -> channel.getState(true));
  }

  ManagedChannel channel(int slot) {
    return channels[slot];
  }

  void shutdown() {
    for (ManagedChannel channel : channels) {
      channel.shutdown();
    }
  }

  boolean retireIfIdle(long nowMillis, long idleMillis) {
    return calls.get() == 0
        && nowMillis - lastUsedMillis >= idleMillis
        && calls.compareAndSet(0, -1);
  }
}
