package io.keygate.gateway.audit;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.KeyType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The log as it should be: appends, signed heads, a clean verification, concurrency, reads. */
abstract class AuditChainContract extends AuditLogContract {

  @Test
  void appendedRecords_formAChainThatVerifiesClean() throws Exception {
    append(20);
    assertThat(signer.signNow()).isPresent();

    VerificationReport report = verify();

    assertClean(report);
    assertThat(report.records()).isEqualTo(20);
    assertThat(report.lastSeq()).isEqualTo(20);
    assertThat(report.lastVerifiedSignedSeq()).isEqualTo(20);
    assertThat(report.unsignedRecords()).isZero();
  }

  @Test
  void append_storesWhatItHashes_firstRecordChainsFromZeros() throws Exception {
    AuditRecord first = log.append(event(1));
    AuditRecord second = log.append(event(2));

    assertThat(first.seq()).isEqualTo(1);
    assertThat(second.seq()).isEqualTo(2);
    StoredRecord row1 = row(1);
    assertThat(row1.prevHash()).isEqualTo(RecordHash.ZERO_HEX);
    assertThat(row1.hash()).isEqualTo(first.hash()).matches("[0-9a-f]{64}");
    assertThat(row(2).prevHash()).isEqualTo(first.hash());
    assertThat(row1.selfConsistent()).isTrue();
  }

  @Test
  void textThatDatabasesStoreDifferently_isRefusedOrCleaned_andReadsBackHashingAlike()
      throws Exception {
    String unicode = "CN=Zoë \uD83D\uDD11 trailing  ";
    log.record(
        new AuditEvent(
            T0.plusNanos(123_456_789),
            unicode,
            "security-officer",
            "key.rotate",
            "t",
            AuditEvent.Outcome.FAILED,
            null,
            "nul\0 lone\uD800 " + "x".repeat(5000)));
    assertThatThrownBy(
            () ->
                log.record(
                    new AuditEvent(T0, "a\0b", "r", "a", "t", AuditEvent.Outcome.DENIED, "-", "")))
        .isInstanceOf(AuditException.class)
        .hasMessageContaining("actor");

    StoredRecord stored = row(1);
    assertThat(stored.actor()).isEqualTo(unicode);
    assertThat(stored.eventTimeMillis()).isEqualTo(T0.toEpochMilli() + 123);
    assertThat(stored.detail())
        .hasSize(ChainedAuditLog.MAX_DETAIL)
        .startsWith("nul\uFFFD lone\uFFFD ");
    assertClean(verify());
  }

  @Test
  void signNow_createsTheKeyInTheHsm_andSkipsAnUnchangedHead() throws Exception {
    KeyLabel label = KeyLabel.of("audit-new");
    assertThat(token.describeKey(label)).isEmpty();
    signer = new AuditHeadSigner(chain, signedHeads, token, label, clock, scheduler, Duration.ofMinutes(1));
    assertThat(signer.signNow()).as("nothing to sign on an empty log").isEmpty();
    assertThat(token.describeKey(label))
        .hasValueSatisfying(k -> assertThat(k.type()).isEqualTo(KeyType.EC_P256));
    append(3);

    SignedHead head = signer.signNow().orElseThrow();

    assertThat(head.seq()).isEqualTo(3);
    assertThat(head.hash()).isEqualTo(hashAt(3));
    assertThat(head.signedAt()).isEqualTo(T0);
    assertThat(head.keyLabel()).isEqualTo(label);
    assertThat(signer.signNow()).as("head unchanged").isEmpty();
    assertThat(count("audit_signed_heads")).isEqualTo(1);
    assertClean(new AuditVerifier(chain, signedHeads, token, java.util.Set.of(label)).verify());
  }

  @Test
  void twoNodesSigningTheSameHead_keepOneSignature_andBothGoOnSigning() throws Exception {
    AuditHeadSigner otherNode =
        new AuditHeadSigner(chain, signedHeads, token, SIGNING_KEY, clock, scheduler, Duration.ofMinutes(1));
    append(4);

    assertThat(signer.signNow()).isPresent();
    assertThat(otherNode.signNow()).as("already signed").isEmpty();
    appendMore(5, 6);
    assertThat(otherNode.signNow()).isPresent();
    assertThat(signer.signNow()).isEmpty();

    assertThat(count("audit_signed_heads")).isEqualTo(2);
    assertThat(verify().lastVerifiedSignedSeq()).isEqualTo(6);
  }

  @Test
  void periodicSigning_runsOnTheInjectedScheduler_atTheConfiguredInterval() throws Exception {
    signer.start();
    assertThat(scheduler.periodicTasks())
        .singleElement()
        .satisfies(p -> assertThat(p.periodMillis).isEqualTo(Duration.ofMinutes(1).toMillis()));
    append(2);
    scheduler.runPeriodicTasks();
    appendMore(3, 5);
    clock.advance(Duration.ofMinutes(1));
    scheduler.runPeriodicTasks();

    assertThat(count("audit_signed_heads")).isEqualTo(2);
    assertThat(verify().lastVerifiedSignedSeq()).isEqualTo(5);
    signer.close();
    assertThat(scheduler.periodicTasks().get(0).isCancelled()).isTrue();
  }

  @Test
  void concurrentAppends_fromManyThreadsAndTwoNodes_formOneValidChain() throws Exception {
    int threads = 8;
    int perThread = 50;
    // Two logs over their own stores stand for two gateway nodes sharing the database.
    List<AuditLog> nodes = List.of(
        new ChainedAuditLog(db.database.auditChain()), new ChainedAuditLog(db.database.auditChain()));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        AuditLog node = nodes.get(t % 2);
        int thread = t;
        Callable<Void> work =
            () -> {
              start.await();
              for (int i = 0; i < perThread; i++) {
                node.record(
                    new AuditEvent(
                        T0,
                        "thread-" + thread,
                        "system",
                        "test.append",
                        "item/" + i,
                        AuditEvent.Outcome.SUCCESS,
                        "-",
                        ""));
              }
              return null;
            };
        done.add(pool.submit(work));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    signer.signNow();

    VerificationReport report = verify();

    assertClean(report);
    assertThat(report.records()).isEqualTo(threads * perThread);
    assertThat(report.lastSeq()).isEqualTo(threads * perThread);
    AuditQuery query = new AuditQuery(chain);
    for (int t = 0; t < threads; t++) {
      assertThat(query.query(null, null, "thread-" + t, null, 1000)).hasSize(perThread);
    }
  }

  @Test
  void query_filtersByTimeActorAndAction_andTailReturnsTheNewestOldestFirst() throws Exception {
    append(9); // actors officer-1, -2, -0, ...; event i at T0 + i s
    log.record(
        new AuditEvent(
            T0.plusSeconds(4),
            "CN=officer-1",
            "security-officer",
            "key.destroy",
            "k",
            AuditEvent.Outcome.DENIED,
            "req-x",
            ""));
    AuditQuery query = new AuditQuery(chain);

    assertThat(query.tail(3)).extracting(AuditRecord::seq).containsExactly(8L, 9L, 10L);
    assertThat(query.tail(3).get(2).event().action()).isEqualTo("key.destroy");
    assertThat(query.tail(3).get(2).hash()).isEqualTo(hashAt(10));
    assertThat(query.query(T0.plusSeconds(2), T0.plusSeconds(5), null, null, 100))
        .extracting(AuditRecord::seq)
        .containsExactly(2L, 3L, 4L, 10L);
    assertThat(query.query(null, null, "CN=officer-1", null, 100))
        .extracting(AuditRecord::seq)
        .containsExactly(1L, 4L, 7L, 10L);
    assertThat(query.query(T0, T0.plus(Duration.ofDays(365)), "CN=officer-1", "key.destroy", 100))
        .singleElement()
        .satisfies(r -> assertThat(r.event().outcome()).isEqualTo(AuditEvent.Outcome.DENIED));
    assertThat(query.query(null, null, "cn=officer-1", null, 100)).as("exact match").isEmpty();
    assertThat(query.query(null, null, null, null, 2)).hasSize(2);
  }
}
