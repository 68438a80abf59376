package io.keygate.gateway.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How far a request's {@code x-ca-timestamp} may be from the gateway's clock, in either direction
 * (clients' clocks run ahead too). The bounds are inclusive. A nonce needs remembering only while
 * its timestamp is inside the window, which bounds the nonce store.
 */
public final class ReplayWindow {
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
  // Larger windows make the nonce store grow for little gain; a day is already absurd.
  private static final Duration MAX_WINDOW = Duration.ofDays(1);

  private final Clock clock;
  private final Duration window;
  private final long windowMillis;

  public ReplayWindow(Clock clock, Duration window) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(MAX_WINDOW) > 0) {
      throw new IllegalArgumentException("replay window must be between 1 s and 1 day: " + window);
    }
    this.window = window;
    this.windowMillis = window.toMillis();
  }

  public static ReplayWindow withDefaultWindow(Clock clock) {
    return new ReplayWindow(clock, DEFAULT_WINDOW);
  }

  public Instant now() {
    return clock.instant();
  }

  public Duration window() {
    return window;
  }

  /** Whether {@code now - window <= timestamp <= now + window}. */
  public boolean accepts(long timestampMillis, Instant now) {
    long skew = timestampMillis - now.toEpochMilli();
    return skew >= -windowMillis && skew <= windowMillis;
  }

  /** The last instant at which a request with this timestamp passes {@link #accepts}. */
  public Instant nonceExpiry(long timestampMillis) {
    return Instant.ofEpochMilli(timestampMillis + windowMillis);
  }
}
