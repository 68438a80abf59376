package io.keygate.gateway.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

/** A clock tests set and move; nothing here sleeps. */
final class SettableClock extends Clock {
  private volatile Instant now;
  /** How often the time was read. */
  final AtomicInteger reads = new AtomicInteger();

  SettableClock(Instant start) {
    this.now = start;
  }

  static SettableClock atMillis(long millis) {
    return new SettableClock(Instant.ofEpochMilli(millis));
  }

  void setMillis(long millis) {
    now = Instant.ofEpochMilli(millis);
  }

  void advance(Duration d) {
    now = now.plus(d);
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
