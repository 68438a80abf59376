package io.keygate.gateway.dataplane;

/**
 * How many calls may be open at once, per connection and per AccessKey, and how many may be in the
 * HSM at once ({@link HsmLane}).
 *
 * @param perConnection streams one HTTP/2 connection may have open (announced to the client as
 *     SETTINGS_MAX_CONCURRENT_STREAMS: a conforming client queues the rest, the transport refuses
 *     streams beyond it)
 * @param perKey authenticated calls one AccessKey may have open on this node; past it a call is
 *     refused RESOURCE_EXHAUSTED TooManyCalls
 * @param hsmThreads signature checks that run in the token at once
 * @param hsmQueue signature checks that may wait for one of those; past it a call is refused
 *     RESOURCE_EXHAUSTED HsmBusy at once
 */
public record CallLimits(int perConnection, int perKey, int hsmThreads, int hsmQueue) {
  public static final int DEFAULT_PER_CONNECTION = 100;
  public static final int DEFAULT_PER_KEY = 256;

  public CallLimits {
    if (perConnection < 1 || perKey < 1 || hsmThreads < 1 || hsmQueue < 1) {
      throw new IllegalArgumentException("every call limit must be positive");
    }
  }

  public static CallLimits defaults() {
    return new CallLimits(DEFAULT_PER_CONNECTION, DEFAULT_PER_KEY, HsmLane.DEFAULT_THREADS,
        HsmLane.DEFAULT_QUEUE);
  }

  /** These limits with other connection and key limits, the HSM lane's kept. */
  public CallLimits withOpenCalls(int connection, int key) {
    return new CallLimits(connection, key, hsmThreads, hsmQueue);
  }
}
