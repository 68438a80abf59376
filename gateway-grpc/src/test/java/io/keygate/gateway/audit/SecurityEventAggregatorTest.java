package io.keygate.gateway.audit;

import io.keygate.gateway.config.ManualScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.hsm.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Auth failures of the data plane, counted per key/app/code and minute, flushed by hand. */
class SecurityEventAggregatorTest {
  private static final Instant MINUTE = Instant.parse("2026-11-26T12:00:00Z");
  private static final Pattern COUNT = Pattern.compile("count=(\\d+)");

  /** Collects events; can be told to fail, as a database that is down would. */
  private static final class RecordingLog implements AuditLog {
    final List<AuditEvent> events = Collections.synchronizedList(new ArrayList<>());
    volatile boolean failing;

    @Override
    public void record(AuditEvent event) throws AuditException {
      if (failing) {
        throw new AuditException("database down");
      }
      events.add(event);
    }
  }

  private final RecordingLog log = new RecordingLog();
  private final MutableClock clock = new MutableClock(MINUTE);
  private final ManualScheduler scheduler = new ManualScheduler();

  private SecurityEventAggregator aggregator(int maxBuckets) {
    return new SecurityEventAggregator(log, clock, scheduler, Duration.ofSeconds(15), maxBuckets);
  }

  private static long count(AuditEvent e) {
    Matcher m = COUNT.matcher(e.detail());
    assertThat(m.find()).as(e.detail()).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void tenThousandFailuresInOneMinute_becomeOneEventPerKeyAppAndCode() throws Exception {
    SecurityEventAggregator agg = aggregator(100);
    for (int i = 0; i < 10_000; i++) {
      agg.authFailure(
          "AK" + (i % 3),
          "app" + (i % 3),
          i % 2 == 0 ? "SignatureMismatch" : "Expired",
          MINUTE.plusMillis(i));
    }

    assertThat(agg.flush(MINUTE.plusSeconds(60))).isEqualTo(6);

    assertThat(log.events)
        .hasSize(6)
        .allSatisfy(
            e -> {
              assertThat(e.action()).isEqualTo("auth.failure");
              assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.DENIED);
              assertThat(e.time()).isEqualTo(MINUTE);
              assertThat(e.detail())
                  .matches("count=\\d+ code=(SignatureMismatch|Expired) minute=.*");
            });
    assertThat(log.events.stream().mapToLong(SecurityEventAggregatorTest::count).sum())
        .isEqualTo(10_000);
    assertThat(log.events.get(0).actor()).isEqualTo("AK0");
    assertThat(log.events.get(0).target()).isEqualTo("app/app0");
    assertThat(agg.bucketCount()).isZero();
  }

  @Test
  void floodOfDistinctKeys_staysWithinTheBucketCap_andTheRestIsCountedAsOther() throws Exception {
    SecurityEventAggregator agg = aggregator(100);
    for (int i = 0; i < 10_000; i++) {
      agg.authFailure("AK" + i, "app" + i, "InvalidSignature", MINUTE.plusMillis(i));
    }

    assertThat(agg.bucketCount()).as("cap + one other bucket").isEqualTo(101);
    agg.flush(MINUTE.plusSeconds(60));

    assertThat(log.events).hasSize(101);
    AuditEvent other = log.events.get(100);
    assertThat(other.actor()).isEqualTo("other");
    assertThat(count(other)).isEqualTo(9_900);
    assertThat(other.detail()).contains("beyond 100 distinct");
  }

  @Test
  void twoHundredInventedKeys_costOneRow_andNoKeyIsStoredAsTyped() throws Exception {
    SecurityEventAggregator agg = aggregator(10_000);
    List<String> invented = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      invented.add("AKinvented-attacker-chosen-" + i);
      agg.authFailure(invented.get(i), "-", "UnknownAccessKey", MINUTE.plusMillis(i));
    }

    assertThat(agg.bucketCount()).isEqualTo(1);
    assertThat(agg.flush(MINUTE.plusSeconds(60))).isEqualTo(1);
    AuditEvent row = log.events.get(0);
    assertThat(row.actor()).isEqualTo("unknown-key");
    assertThat(row.target()).isEqualTo("-");
    assertThat(count(row)).isEqualTo(200);
    assertThat(row.detail()).contains("code=UnknownAccessKey").contains("sample=AKinvented_a...");
    String stored = row.actor() + row.target() + row.detail();
    assertThat(invented).noneMatch(stored::contains);
  }

  @Test
  void unknownKeySample_isShortAndHoldsOnlyLettersAndDigits() {
    assertThat(SecurityEventAggregator.sample("AK1")).isEqualTo("AK1");
    assertThat(SecurityEventAggregator.sample("a'; DROP\u0000\n\u00e9x-very-long"))
        .matches("[A-Za-z0-9_]{12}\\.\\.\\.");
  }

  @Test
  void concurrentFailures_areAllCounted_andTheCapHoldsExactly() throws Exception {
    SecurityEventAggregator agg = aggregator(50);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int thread = t;
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 1_250; i++) {
                  agg.authFailure("AK" + thread + "-" + (i % 20), "app", "Expired", MINUTE);
                }
              }));
    }
    for (Future<?> f : done) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();

    assertThat(agg.bucketCount()).isEqualTo(51);
    agg.flush(MINUTE.plusSeconds(60));
    assertThat(log.events.stream().mapToLong(SecurityEventAggregatorTest::count).sum())
        .isEqualTo(10_000);
  }

  @Test
  void flush_recordsOnlyFinishedMinutes() throws Exception {
    SecurityEventAggregator agg = aggregator(100);
    agg.authFailure("AK1", "app1", "Expired", MINUTE.plusSeconds(59));
    agg.authFailure("AK1", "app1", "Expired", MINUTE.plusSeconds(60));

    assertThat(agg.flush(MINUTE.plusSeconds(59))).isZero();
    assertThat(agg.flush(MINUTE.plusSeconds(61))).isEqualTo(1);
    assertThat(log.events.get(0).time()).isEqualTo(MINUTE);
    assertThat(agg.flush(MINUTE.plusSeconds(120))).isEqualTo(1);
    assertThat(log.events.get(1).time()).isEqualTo(MINUTE.plusSeconds(60));
  }

  @Test
  void failedRecording_keepsTheCountsForTheNextFlush() throws Exception {
    SecurityEventAggregator agg = aggregator(100);
    agg.authFailure("AK1", "app1", "Expired", MINUTE);
    agg.authFailure("AK2", "app2", "Expired", MINUTE);
    log.failing = true;

    assertThatThrownBy(() -> agg.flush(MINUTE.plusSeconds(60))).isInstanceOf(AuditException.class);
    agg.authFailure("AK1", "app1", "Expired", MINUTE); // late, for the same minute
    log.failing = false;

    assertThat(agg.flush(MINUTE.plusSeconds(60))).isEqualTo(2);
    assertThat(log.events)
        .extracting(e -> e.actor() + " " + count(e))
        .containsExactly("AK1 2", "AK2 1");
  }

  @Test
  void clientSuppliedIdsThatAreNotIds_areRecordedAsInvalid_notAsTyped() throws Exception {
    SecurityEventAggregator agg = aggregator(100);
    agg.authFailure("AK'; DROP TABLE audit_log; --", "\u0000app", "Expired", MINUTE);
    agg.authFailure("x".repeat(65), null, "Expired", MINUTE);
    agg.flush(MINUTE.plusSeconds(60));

    // With an app the key must be a plausible id; without one it is an unknown key, aggregated.
    assertThat(log.events).extracting(AuditEvent::actor)
        .containsExactlyInAnyOrder("invalid", "unknown-key");
    assertThat(log.events)
        .extracting(AuditEvent::target)
        .containsExactlyInAnyOrder("app/invalid", "-");
    assertThat(log.events).extracting(AuditEvent::detail).noneMatch(d -> d.contains("DROP") || d.contains("xxxxxxxxxxxxx"));
  }

  @Test
  void periodicFlush_usesTheInjectedClock_andCloseFlushesTheCurrentMinute() throws Exception {
    SecurityEventAggregator agg = aggregator(100);
    agg.start();
    assertThat(scheduler.periodicTasks())
        .singleElement()
        .satisfies(p -> assertThat(p.periodMillis).isEqualTo(15_000));
    agg.authFailure("AK1", "app1", "Expired", MINUTE);
    scheduler.runPeriodicTasks();
    assertThat(log.events).as("minute not over on the clock").isEmpty();

    clock.advance(Duration.ofMinutes(1));
    agg.authFailure("AK1", "app1", "Expired", clock.instant());
    log.failing = true;
    scheduler.runPeriodicTasks(); // fails quietly: the task must survive
    log.failing = false;
    scheduler.runPeriodicTasks();
    assertThat(log.events).hasSize(1);

    agg.close();
    assertThat(log.events).hasSize(2);
    assertThat(scheduler.periodicTasks().get(0).isCancelled()).isTrue();
  }
}
