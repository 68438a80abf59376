package io.keygate.hsm.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when a test says so. */
public final class MutableClock extends Clock {
  private volatile Instant now;
  /** How often the time was read: lets a test check that code reads the clock once. */
  public final java.util.concurrent.atomic.AtomicInteger reads =
      new java.util.concurrent.atomic.AtomicInteger();

  public MutableClock(Instant start) {
    this.now = start;
  }

  public static MutableClock atMillis(long epochMillis) {
    return new MutableClock(Instant.ofEpochMilli(epochMillis));
  }

  public void advance(Duration d) {
    now = now.plus(d);
  }

  public void set(Instant instant) {
    now = instant;
  }

  @Override
  public Instant instant() {
    reads.incrementAndGet();
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
