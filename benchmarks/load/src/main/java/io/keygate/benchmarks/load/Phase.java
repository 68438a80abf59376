package io.keygate.benchmarks.load;

/**
 * Where a run is: warming up (calls flow, nothing is counted), measuring (calls that complete are
 * counted), or stopping (no new calls; those in flight finish uncounted). Written by the thread
 * that times the run, read by every event loop.
 */
final class Phase {
  private volatile int state; // 0 warm-up, 1 measuring, 2 stopping

  void measure() {
    state = 1;
  }

  void stop() {
    state = 2;
  }

  boolean measuring() {
    return state == 1;
  }

  boolean stopping() {
    return state == 2;
  }
}
