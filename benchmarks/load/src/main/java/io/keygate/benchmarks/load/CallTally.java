package io.keygate.benchmarks.load;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the calls of one workload ended with inside the timed window. Only grpc-status 0 with a
 * response message counts as a success; anything else is an error, named by its status code.
 * Latencies are of successful calls. One lock: the event-loop threads of a workload's connections
 * record into it, each call once, and an uncontended lock costs less than the syscalls of a call.
 */
final class CallTally {
  static final String OK_WITHOUT_MESSAGE = "OK_WITHOUT_MESSAGE";

  private final LatencySamples latencies = new LatencySamples();
  private final Map<String, Long> errors = new TreeMap<>();
  private long ok;

  synchronized void success(long latencyNanos) {
    ok++;
    latencies.add(latencyNanos);
  }

  synchronized void error(String what) {
    errors.merge(what, 1L, Long::sum);
  }

  synchronized Summary summary() {
    long[] sorted = latencies.sorted();
    return new Summary(ok, Map.copyOf(errors),
        LatencySamples.percentileMicros(sorted, 0.50),
        LatencySamples.percentileMicros(sorted, 0.99),
        LatencySamples.percentileMicros(sorted, 0.999));
  }

  /** Latencies in microseconds; errors by status code. */
  record Summary(long ok, Map<String, Long> errors, double p50, double p99, double p999) {
    long errorCount() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
