package io.keygate.gateway.dataplane;

import java.time.Duration;
import java.util.Objects;

/**
 * What an unauthenticated call may cost the gateway before its signature is checked, each call
 * and all of them together.
 *
 * @param maxFirstMessageBytes the largest first message (after decompression) a signed call may
 *     send before it is authenticated; later messages are bounded only by the listener's maximum
 * @param firstMessageTimeout how long a screened call may take to send its first message (or
 *     half-close) before it is ended: by a sweep every quarter of it, so at most a quarter later
 * @param nodeBytes the first-message bytes (on the wire) that the node's unauthenticated calls
 *     may buffer together, beyond each call's first {@link PreAuthCapacity#FREE_BYTES_PER_CALL};
 *     a call that would pass it is refused
 * @param nodeCalls how many calls the node holds between their headers and their first message
 *     at once; a newcomer pushes the oldest out
 */
public record PreAuthSettings(
    int maxFirstMessageBytes, Duration firstMessageTimeout, int nodeBytes, int nodeCalls) {
  public static final int DEFAULT_MAX_FIRST_MESSAGE_BYTES = 64 << 10;
  public static final Duration DEFAULT_FIRST_MESSAGE_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_NODE_BYTES = 32 << 20;
  public static final int DEFAULT_NODE_CALLS = 4096;

  public PreAuthSettings {
    Objects.requireNonNull(firstMessageTimeout, "firstMessageTimeout");
    if (maxFirstMessageBytes < 1) {
      throw new IllegalArgumentException("maxFirstMessageBytes must be positive");
    }
    if (firstMessageTimeout.isNegative() || firstMessageTimeout.isZero()) {
      throw new IllegalArgumentException("firstMessageTimeout must be positive");
    }
    if (nodeBytes < 1 || nodeCalls < 1) {
      throw new IllegalArgumentException("nodeBytes and nodeCalls must be positive");
    }
  }

  /** One call's limits; the node's are the defaults. */
  public PreAuthSettings(int maxFirstMessageBytes, Duration firstMessageTimeout) {
    this(maxFirstMessageBytes, firstMessageTimeout, DEFAULT_NODE_BYTES, DEFAULT_NODE_CALLS);
  }

  public static PreAuthSettings defaults() {
    return new PreAuthSettings(DEFAULT_MAX_FIRST_MESSAGE_BYTES, DEFAULT_FIRST_MESSAGE_TIMEOUT);
  }

  /** The same per-call limits with these node-wide ones. */
  public PreAuthSettings withNodeLimits(int bytes, int calls) {
    return new PreAuthSettings(maxFirstMessageBytes, firstMessageTimeout, bytes, calls);
  }
}
