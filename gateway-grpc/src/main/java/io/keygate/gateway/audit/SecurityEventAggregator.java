package io.keygate.gateway.audit;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Turns data-plane authentication failures into audit events without letting a flood fill the disk
 * or the heap: failures are counted in memory per (access key, app, error code, minute) and {@link
 * #flush} writes one {@code auth.failure} event per finished minute bucket.
 *
 * <p>The number of distinct buckets held is capped; a failure that would need a new bucket past the
 * cap is counted in that minute's single "other" bucket instead, so a flood of made-up access keys
 * costs a counter, not memory. Access keys and app ids come from the client, so anything that is
 * not a plausible id is counted as "invalid" (one bucket) and never reaches the log as typed.
 *
 * <p>A refusal that names no app (the AccessKey is unknown, or was never checked) is counted under
 * the one actor "unknown-key" per code and minute, whatever key the caller invented: a flood of
 * made-up keys costs one row per code and minute, and the audit log holds a caller-chosen key
 * only as a short sanitized sample (the first one seen in that bucket).
 *
 * <p>{@link #authFailure} is lock-free per bucket and never blocks on the database; the scheduler
 * (injected) flushes. The clock dates those scheduled flushes.
 */
public final class SecurityEventAggregator implements AutoCloseable {
  public static final int DEFAULT_MAX_BUCKETS = 10_000;
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(15);
  static final String ACTION = "auth.failure";
  static final String OTHER = "other";
  static final String INVALID = "invalid";
  static final String UNKNOWN_KEY = "unknown-key";
  private static final int SAMPLE_LENGTH = 12;
  private static final long MINUTE_MILLIS = 60_000;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final Logger LOG = System.getLogger("io.keygate.gateway.audit");

  /** A minute bucket; the {@code overflow} one of a minute counts what found no room. */
  record Bucket(String accessKey, String appId, String code, long minute, boolean overflow) {
    static Bucket overflow(long minute) {
      return new Bucket(OTHER, OTHER, OTHER, minute, true);
    }
  }

  private final AuditLog log;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final Duration flushInterval;
  private final int maxBuckets;
  private final Map<Bucket, Long> counts = new ConcurrentHashMap<>();
  // One sanitized claimed key per "unknown-key" bucket, removed with the bucket.
  private final Map<Bucket, String> samples = new ConcurrentHashMap<>();
  // Distinct non-other buckets held; reserved inside compute() so the cap is exact.
  private final AtomicInteger distinct = new AtomicInteger();
  private final Object flushLock = new Object();
  private ScheduledFuture<?> task; // guarded by this

  public SecurityEventAggregator(
      AuditLog log,
      Clock clock,
      ScheduledExecutorService scheduler,
      Duration flushInterval,
      int maxBuckets) {
    this.log = Objects.requireNonNull(log, "log");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    if (flushInterval.isNegative() || flushInterval.isZero()) {
      throw new IllegalArgumentException("flush interval must be positive");
    }
    if (maxBuckets < 1) {
      throw new IllegalArgumentException("maxBuckets must be at least 1");
    }
    this.flushInterval = flushInterval;
    this.maxBuckets = maxBuckets;
  }

  /**
   * Counts one failed authentication. Never throws, never blocks on I/O.
   *
   * @param accessKeyOrDash the access key the client claimed, or "-" if none
   * @param appIdOrDash the app the key belongs to, or "-" if unknown
   * @param code the stable error code the client was given (e.g. {@code SignatureMismatch})
   */
  public void authFailure(String accessKeyOrDash, String appIdOrDash, String code, Instant when) {
    long minute = Math.floorDiv(when.toEpochMilli(), MINUTE_MILLIS);
    String app = id(appIdOrDash);
    boolean unknownKey = app.equals("-") && !id(accessKeyOrDash).equals("-");
    Bucket bucket =
        new Bucket(unknownKey ? UNKNOWN_KEY : id(accessKeyOrDash), app, id(code), minute, false);
    boolean[] overflow = {false};
    counts.compute(
        bucket,
        (b, n) -> {
          if (n != null) {
            return n + 1;
          }
          if (distinct.incrementAndGet() > maxBuckets) {
            distinct.decrementAndGet();
            overflow[0] = true;
            return null; // no new bucket: counted as "other" below
          }
          return 1L;
        });
    if (overflow[0]) {
      // At most one per minute held between flushes, so this cannot grow with the flood.
      counts.merge(Bucket.overflow(minute), 1L, Long::sum);
    } else if (unknownKey) {
      samples.putIfAbsent(bucket, sample(accessKeyOrDash));
    }
  }

  /** At most 12 characters of what the caller sent, anything but letters and digits as '_'. */
  static String sample(String claimed) {
    StringBuilder out = new StringBuilder(SAMPLE_LENGTH + 3);
    for (int i = 0; i < Math.min(claimed.length(), SAMPLE_LENGTH); i++) {
      char c = claimed.charAt(i);
      out.append(c < 128 && Character.isLetterOrDigit(c) ? c : '_');
    }
    return claimed.length() > SAMPLE_LENGTH ? out.append("...").toString() : out.toString();
  }

  private static String id(String value) {
    if (value == null || value.isEmpty() || value.equals("-")) {
      return "-";
    }
    return ID.matcher(value).matches() ? value : INVALID;
  }

  /**
   * Records one event per bucket whose minute ended at or before {@code now}, oldest first, and
   * forgets those buckets. If recording fails the unrecorded buckets stay for the next flush.
   *
   * @return the number of events recorded
   */
  public int flush(Instant now) throws AuditException {
    long currentMinute = Math.floorDiv(now.toEpochMilli(), MINUTE_MILLIS);
    synchronized (flushLock) {
      List<Bucket> finished =
          counts.keySet().stream()
              .filter(b -> b.minute() < currentMinute)
              .sorted(
                  Comparator.comparingLong(Bucket::minute)
                      .thenComparing(Bucket::overflow)
                      .thenComparing(Bucket::accessKey)
                      .thenComparing(Bucket::appId)
                      .thenComparing(Bucket::code))
              .toList();
      int written = 0;
      for (Bucket b : finished) {
        Long n = counts.remove(b);
        if (n == null) {
          continue;
        }
        String sample = samples.remove(b);
        if (!b.overflow()) {
          distinct.decrementAndGet();
        }
        try {
          log.record(event(b, n, sample));
          written++;
        } catch (AuditException | RuntimeException e) {
          // Put it back (a late failure may have opened the bucket again): retried next flush.
          if (counts.merge(b, n, Long::sum).equals(n) && !b.overflow()) {
            distinct.incrementAndGet();
          }
          if (sample != null) {
            samples.putIfAbsent(b, sample);
          }
          throw e;
        }
      }
      return written;
    }
  }

  private AuditEvent event(Bucket b, long count, String sample) {
    Instant start = Instant.ofEpochMilli(b.minute() * MINUTE_MILLIS);
    if (b.overflow()) {
      return new AuditEvent(
          start,
          OTHER,
          "app",
          ACTION,
          OTHER,
          AuditEvent.Outcome.DENIED,
          "-",
          "count="
              + count
              + " code="
              + OTHER
              + " minute="
              + start
              + " (failures beyond "
              + maxBuckets
              + " distinct key/app/code buckets)");
    }
    String target = b.appId().equals("-") ? "-" : "app/" + b.appId();
    return new AuditEvent(
        start,
        b.accessKey(),
        "app",
        ACTION,
        target,
        AuditEvent.Outcome.DENIED,
        "-",
        "count=" + count + " code=" + b.code() + " minute=" + start
            + (sample == null ? "" : " sample=" + sample + " (AccessKeys naming no credential)"));
  }

  /** Buckets held now (including "other" ones): bounded by the cap plus one per open minute. */
  public int bucketCount() {
    return counts.size();
  }

  /** Flushes every flush interval (fixed delay) on the injected scheduler. */
  public synchronized void start() {
    if (task != null) {
      throw new IllegalStateException("already started");
    }
    long millis = flushInterval.toMillis();
    task =
        scheduler.scheduleWithFixedDelay(this::flushQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void flushQuietly() {
    try {
      flush(clock.instant());
    } catch (AuditException | RuntimeException e) {
      // Never rethrow: the executor would cancel the periodic task. Counts stay for next time.
      LOG.log(Level.WARNING, "cannot record aggregated auth failures: " + e.getMessage(), e);
    }
  }

  /**
   * Stops the periodic flush and records every bucket, the current minute's too, so a clean
   * shutdown loses no count. Does not shut down the injected scheduler.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (task != null) {
        task.cancel(false);
      }
    }
    try {
      flush(Instant.ofEpochMilli(Long.MAX_VALUE));
    } catch (AuditException | RuntimeException e) {
      LOG.log(Level.WARNING, "auth failures not recorded at shutdown: " + e.getMessage(), e);
    }
  }
}
