package io.keygate.gateway.proxy;

import io.grpc.Status;
import io.keygate.gateway.model.BackendTarget;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Which backends' name resolution is failing now. While it fails, grpc keeps the instances it last
 * resolved and the backend keeps serving from them, as a gateway keeps serving from cached
 * registry data when the registry is down; this is how the node says so: a count for the metric
 * {@code keygate.backends.resolution.failing}, and a log line when a backend starts failing, at
 * most one per backend per {@code logInterval} while it goes on, and one when it recovers.
 * Thread-safe: each channel reports on its own synchronization context.
 */
public final class BackendResolutions {
  static final Duration DEFAULT_LOG_INTERVAL = Duration.ofMinutes(1);

  private static final Logger LOG = System.getLogger("io.keygate.gateway.proxy");

  private final Clock clock;
  private final long logIntervalMillis;
  private final ConcurrentHashMap<BackendTarget, Failing> failing = new ConcurrentHashMap<>();

  BackendResolutions(Clock clock, Duration logInterval) {
    this.clock = clock;
    this.logIntervalMillis = logInterval.toMillis();
  }

  /** Backends whose last resolution failed (resolved at least once or not). */
  public int failing() {
    return failing.size();
  }

  /** The backends failing now, for tests and operators' tools. */
  public Set<BackendTarget> failingTargets() {
    return Set.copyOf(failing.keySet());
  }

  /** A resolution of {@code target} gave addresses. */
  void resolved(BackendTarget target, int addresses) {
    Failing was = failing.remove(target);
    if (was != null) {
      LOG.log(Level.INFO, "backend {0} resolves again: {1} instance(s), after {2} failed "
          + "resolution(s)", target, addresses, was.failures);
    }
  }

  /** A resolution of {@code target} failed; grpc keeps the last addresses, if it had any. */
  void failed(BackendTarget target, Status status) {
    long now = clock.millis();
    Failing state = failing.computeIfAbsent(target, t -> new Failing());
    String line = state.failedAt(now, logIntervalMillis);
    if (line != null) {
      // The description can name DNS servers and hosts: the log is the operator's, not a client's.
      LOG.log(Level.WARNING, "backend {0}: name resolution is failing ({1}{2}); calls go to the "
          + "instances last resolved, if any", target, line, describe(status));
    }
  }

  /** A channel was closed: its backend no longer counts. */
  void forget(BackendTarget target) {
    failing.remove(target);
  }

  @Override
  public String toString() {
    return failing.keySet().stream().map(BackendTarget::toString)
        .collect(Collectors.joining(", ", "failing resolution: [", "]"));
  }

  private static String describe(Status status) {
    return status.getCode() + (status.getDescription() == null ? "" : " " + status.getDescription());
  }

  /** One backend's run of failures; synchronized: its channel and a reaper may both touch it. */
  private static final class Failing {
    private long failures;
    private long lastLoggedMillis = Long.MIN_VALUE;
    private long unlogged;

    /** The log line's prefix if this failure is to be logged, else null. */
    synchronized String failedAt(long nowMillis, long intervalMillis) {
      failures++;
      if (lastLoggedMillis != Long.MIN_VALUE && nowMillis - lastLoggedMillis < intervalMillis) {
        unlogged++;
        return null;
      }
      String prefix = failures == 1 ? "" : failures + " failures, " + unlogged + " not logged: ";
      lastLoggedMillis = nowMillis;
      unlogged = 0;
      return prefix;
    }
  }
}
