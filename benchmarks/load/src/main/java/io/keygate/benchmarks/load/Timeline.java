package io.keygate.benchmarks.load;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every call's end, as the cluster benchmark needs it: per reporting interval the successes,
 * their latencies and the errors by status; over the whole run every failure with its time, so a
 * fault's failures can be told from the rest and the last one gives the time to recover. Only
 * calls that end while the phase measures are kept. One lock, as in {@link CallTally}.
 */
final class Timeline implements Workload.Outcomes {
  /** Failures kept with their time; more are counted only (a long outage fails fast and often). */
  private static final int MAX_FAILURES_KEPT = 1_000_000;

  private final Phase phase;
  private LatencySamples latencies = new LatencySamples();
  private long ok;
  private Map<String, Long> errors = new TreeMap<>();
  private final List<Failure> failures = new ArrayList<>();
  private long totalOk;
  private long totalErrors;

  Timeline(Phase phase) {
    this.phase = phase;
  }

  record Failure(long endNanos, String code, String description) {}

  /** One reporting interval: latencies in microseconds. */
  record Interval(long ok, Map<String, Long> errors, double p50, double p99, double p999) {
    long errorCount() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  @Override
  public synchronized void ended(long endNanos, long latencyNanos, Status status,
      boolean answered) {
    if (!phase.measuring()) {
      return;
    }
    if (status.isOk() && answered) {
      ok++;
      totalOk++;
      latencies.add(latencyNanos);
      return;
    }
    String code = status.isOk() ? CallTally.OK_WITHOUT_MESSAGE : status.getCode().name();
    errors.merge(code, 1L, Long::sum);
    totalErrors++;
    if (failures.size() < MAX_FAILURES_KEPT) {
      failures.add(new Failure(endNanos, code, status.getDescription()));
    }
  }

  /** The interval since the last call, and a new one begins. */
  synchronized Interval roll() {
    long[] sorted = latencies.sorted();
    Interval i = new Interval(ok, Map.copyOf(errors),
        LatencySamples.percentileMicros(sorted, 0.50),
        LatencySamples.percentileMicros(sorted, 0.99),
        LatencySamples.percentileMicros(sorted, 0.999));
    latencies = new LatencySamples();
    ok = 0;
    errors = new TreeMap<>();
    return i;
  }

  synchronized List<Failure> failures() {
    return List.copyOf(failures);
  }

  synchronized long totalOk() {
    return totalOk;
  }

  synchronized long totalErrors() {
    return totalErrors;
  }
}
