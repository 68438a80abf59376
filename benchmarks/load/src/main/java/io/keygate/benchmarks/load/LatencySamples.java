package io.keygate.benchmarks.load;

import java.util.Arrays;

/**
 * Every latency of a run, kept whole (a few MB even at 10^5 calls/s for 30 s) so the percentiles
 * are exact rather than bucketed. Nearest-rank percentiles. Not thread-safe: {@link CallTally}
 * guards it.
 */
final class LatencySamples {
  private long[] nanos = new long[1 << 16];
  private int size;

  void add(long latencyNanos) {
    if (size == nanos.length) {
      nanos = Arrays.copyOf(nanos, size * 2);
    }
    nanos[size++] = latencyNanos;
  }

  int size() {
    return size;
  }

  /** The sorted samples, in nanoseconds. */
  long[] sorted() {
    long[] copy = Arrays.copyOf(nanos, size);
    Arrays.sort(copy);
    return copy;
  }

  /** Nearest rank: the smallest sample with at least {@code p} of all samples at or below it. */
  static double percentileMicros(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1_000.0;
  }
}
