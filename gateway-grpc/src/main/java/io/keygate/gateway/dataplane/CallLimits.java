package io.keygate.gateway.dataplane;

/**
 * How many calls may be open at once, per connection and per AccessKey.
 *
 * @param perConnection streams one HTTP/2 connection may have open (announced to the client as
 *     SETTINGS_MAX_CONCURRENT_STREAMS: a conforming client queues the rest, the transport refuses
 *     streams beyond it)
 * @param perKey authenticated calls one AccessKey may have open on this node; past it a call is
 *     refused RESOURCE_EXHAUSTED TooManyCalls
 */
public record CallLimits(int perConnection, int perKey) {
  public static final int DEFAULT_PER_CONNECTION = 100;
  public static final int DEFAULT_PER_KEY = 256;

  public CallLimits {
    if (perConnection < 1 || perKey < 1) {
      throw new IllegalArgumentException("perConnection and perKey must be positive");
    }
  }

  public static CallLimits defaults() {
    return new CallLimits(DEFAULT_PER_CONNECTION, DEFAULT_PER_KEY);
  }
}
