package io.keygate.gateway.dataplane;

import io.keygate.gateway.proxy.TransportLoops;
import java.time.Duration;

/**
 * How many calls may be open at once, per connection, per AccessKey, per API and per backend, how
 * many may be in the HSM at once ({@link HsmLane}), and how many event loops serve them.
 *
 * @param perConnection streams one HTTP/2 connection may have open (announced to the client as
 *     SETTINGS_MAX_CONCURRENT_STREAMS: a conforming client queues the rest, the transport refuses
 *     streams beyond it)
 * @param perKey authenticated calls one AccessKey may have open on this node; past it a call is
 *     refused RESOURCE_EXHAUSTED TooManyCalls
 * @param perApi calls one API may have open on this node (authenticated ones, or any for an API
 *     without authentication); past it a call is refused RESOURCE_EXHAUSTED ApiBusy, so one API
 *     cannot hold all of the node's calls while others wait
 * @param perBackend calls one backend (all its instances) may carry from this node, whichever APIs
 *     they are for; past it a call is refused RESOURCE_EXHAUSTED BackendBusy (the proxy's {@code
 *     maxCallsPerBackend}), so a backend that hangs cannot hold every call even when several
 *     APIs point at it
 * @param hsmThreads signature checks that run in the token at once
 * @param hsmQueue signature checks that may wait for one of those; past it a call is refused
 *     RESOURCE_EXHAUSTED HsmBusy at once
 * @param eventLoops the threads that serve connections, clients' and backends' alike ({@link
 *     TransportLoops}; one a core by default): a call's two legs run on the same one
 * @param hsmOnLoopUnder how fast the token's checks must be, on average, for an event loop to run
 *     a call's check itself instead of handing it to the lane ({@link LoopChecks}); {@link
 *     Duration#ZERO}: always on the lane
 */
public record CallLimits(int perConnection, int perKey, int perApi, int perBackend,
    int hsmThreads, int hsmQueue, int eventLoops, Duration hsmOnLoopUnder) {
  public static final int DEFAULT_PER_CONNECTION = 100;
  public static final int DEFAULT_PER_KEY = 256;
  /**
   * Four keys' worth of calls at {@link #DEFAULT_PER_KEY}, so an app spreading over a few keys can
   * still use one API fully. It does not bind a healthy API: a node serves about 20 000 calls/s
   * (docs/benchmarks.md), which by Little's law is about 1 000 calls open only when each takes 50
   * ms. It binds when calls pile up on one API (its backend slows or hangs, or clients hold long
   * streams), which is when the other APIs need the node's threads and memory.
   */
  public static final int DEFAULT_PER_API = 1024;
  /** Two APIs' worth at {@link #DEFAULT_PER_API}: it binds only when calls pile up on a backend. */
  public static final int DEFAULT_PER_BACKEND = 2 * DEFAULT_PER_API;
  /**
   * A token in the process (SoftHSM2) or on a PCIe card checks in 10 to 50 µs, a network HSM in
   * 0.3 to 2 ms: the first run on the loops, the second never does (docs/proxy.md, "Threads").
   */
  public static final Duration DEFAULT_HSM_ON_LOOP_UNDER = Duration.ofNanos(200_000);

  public CallLimits {
    if (perConnection < 1 || perKey < 1 || perApi < 1 || perBackend < 1 || hsmThreads < 1
        || hsmQueue < 1 || eventLoops < 1) {
      throw new IllegalArgumentException("every call limit must be positive");
    }
    if (hsmOnLoopUnder.isNegative()) {
      throw new IllegalArgumentException("hsmOnLoopUnder must not be negative");
    }
  }

  /** These limits with the default for checks on the loops. */
  public CallLimits(int perConnection, int perKey, int perApi, int perBackend, int hsmThreads,
      int hsmQueue, int eventLoops) {
    this(perConnection, perKey, perApi, perBackend, hsmThreads, hsmQueue, eventLoops,
        DEFAULT_HSM_ON_LOOP_UNDER);
  }

  /**
   * How many checks may run on event loops at once: all loops but one, so that one always serves
   * while a token hangs in a check; none with one loop, or with checks on the loops turned off.
   */
  public int loopCheckPermits() {
    return hsmOnLoopUnder.isZero() ? 0 : eventLoops - 1;
  }

  /**
   * How many checks may run at once: one per lane thread and one per loop that may check ({@link
   * #loopCheckPermits}). What each check holds while it runs (a token session, a connection to
   * the shared nonce store) is sized to it.
   */
  public int concurrentChecks() {
    return hsmThreads + loopCheckPermits();
  }

  /** These limits on one event loop a core. */
  public CallLimits(int perConnection, int perKey, int perApi, int perBackend, int hsmThreads,
      int hsmQueue) {
    this(perConnection, perKey, perApi, perBackend, hsmThreads, hsmQueue,
        TransportLoops.defaultCount());
  }

  public static CallLimits defaults() {
    return new CallLimits(DEFAULT_PER_CONNECTION, DEFAULT_PER_KEY, DEFAULT_PER_API,
        DEFAULT_PER_BACKEND, HsmLane.DEFAULT_THREADS, HsmLane.DEFAULT_QUEUE);
  }

  /** These limits served by another number of event loops, the rest kept. */
  public CallLimits withEventLoops(int loops) {
    return new CallLimits(perConnection, perKey, perApi, perBackend, hsmThreads, hsmQueue, loops,
        hsmOnLoopUnder);
  }

  /** These limits with other connection and key limits, the rest kept. */
  public CallLimits withOpenCalls(int connection, int key) {
    return new CallLimits(connection, key, perApi, perBackend, hsmThreads, hsmQueue,
        eventLoops, hsmOnLoopUnder);
  }

  /** These limits with another limit per API, the rest kept. */
  public CallLimits withPerApi(int api) {
    return new CallLimits(perConnection, perKey, api, perBackend, hsmThreads, hsmQueue,
        eventLoops, hsmOnLoopUnder);
  }

  /** These limits with another limit per backend, the rest kept. */
  public CallLimits withPerBackend(int backend) {
    return new CallLimits(perConnection, perKey, perApi, backend, hsmThreads, hsmQueue,
        eventLoops, hsmOnLoopUnder);
  }

  /**
   * These limits with checks on the loops below another average ({@link Duration#ZERO}: never),
   * the rest kept.
   */
  public CallLimits withHsmOnLoopUnder(Duration under) {
    return new CallLimits(perConnection, perKey, perApi, perBackend, hsmThreads, hsmQueue,
        eventLoops, under);
  }

  /** These limits with another HSM lane, the rest kept. */
  public CallLimits withHsmLane(int threads, int queue) {
    return new CallLimits(perConnection, perKey, perApi, perBackend, threads, queue,
        eventLoops, hsmOnLoopUnder);
  }
}
