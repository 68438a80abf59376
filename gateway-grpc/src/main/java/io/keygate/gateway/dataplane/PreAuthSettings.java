package io.keygate.gateway.dataplane;

import java.time.Duration;
import java.util.Objects;

/**
 * What an unauthenticated call may cost the gateway before its signature is checked.
 *
 * @param maxFirstMessageBytes the largest first message (after decompression) a signed call may
 *     send before it is authenticated; later messages are bounded only by the listener's maximum
 * @param firstMessageTimeout how long a screened call may take to send its first message (or
 *     half-close) before it is ended
 */
public record PreAuthSettings(int maxFirstMessageBytes, Duration firstMessageTimeout) {
  public static final int DEFAULT_MAX_FIRST_MESSAGE_BYTES = 64 << 10;
  public static final Duration DEFAULT_FIRST_MESSAGE_TIMEOUT = Duration.ofSeconds(10);

  public PreAuthSettings {
    Objects.requireNonNull(firstMessageTimeout, "firstMessageTimeout");
    if (maxFirstMessageBytes < 1) {
      throw new IllegalArgumentException("maxFirstMessageBytes must be positive");
    }
    if (firstMessageTimeout.isNegative() || firstMessageTimeout.isZero()) {
      throw new IllegalArgumentException("firstMessageTimeout must be positive");
    }
  }

  public static PreAuthSettings defaults() {
    return new PreAuthSettings(DEFAULT_MAX_FIRST_MESSAGE_BYTES, DEFAULT_FIRST_MESSAGE_TIMEOUT);
  }
}
