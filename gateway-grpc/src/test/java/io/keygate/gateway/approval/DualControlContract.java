package io.keygate.gateway.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.gateway.approval.ApprovalException.Reason;
import io.keygate.gateway.approval.DualControlOperation.ActivateTlsKey;
import io.keygate.gateway.approval.DualControlOperation.DestroyKey;
import io.keygate.gateway.approval.DualControlOperation.RevokeTenantCredentials;
import io.keygate.gateway.audit.AuditEvent;
import io.keygate.gateway.store.jdbc.ConfigDatabase;
import io.keygate.gateway.config.TestDatabase;
import io.keygate.gateway.tls.TlsListener;
import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rules of dual control over a real database: M distinct officers, one run, expiry,
 * rejection, and what is audited. Runs on H2, MariaDB and PostgreSQL (the compare-and-set and the
 * one-vote-per-officer key are the database's work). The operations themselves are a recording
 * runner here; what they do to the HSM and the store is tested through the admin API.
 */
abstract class DualControlContract {
  static final Officer ALICE = new Officer("subject:CN=alice", "CN=alice", "CN=alice sha256:aa");
  static final Officer BOB = new Officer("subject:CN=bob", "CN=bob", "CN=bob sha256:bb");
  static final Officer CAROL = new Officer("sha256:cc", "CN=carol", "CN=carol sha256:cc");
  static final DestroyKey DESTROY = new DestroyKey(KeyLabel.of("ak-old"));

  abstract TestDatabase createDatabase(Path dir) throws Exception;

  private TestDatabase testDb;
  private ConfigDatabase db;
  final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
  final List<String> ran = new CopyOnWriteArrayList<>();
  final List<AuditEvent> audited = new CopyOnWriteArrayList<>();
  final AtomicInteger officers = new AtomicInteger(3);
  /** Principals that are no longer officers (their votes lapse). */
  final java.util.Set<String> removed = java.util.concurrent.ConcurrentHashMap.newKeySet();
  volatile Exception failRunWith;
  volatile Exception failCheckWith;
  volatile boolean auditDown;

  @BeforeEach
  void open() throws Exception {
    testDb = createDatabase(Files.createTempDirectory("keygate-approvals-"));
    db = ConfigDatabase.open(testDb.settings());
  }

  @AfterEach
  void close() {
    db.close();
    testDb.close();
  }

  DualControl dualControl(int required) {
    DualControl.Runner runner = new DualControl.Runner() {
      @Override
      public void check(DualControlOperation op) throws Exception {
        if (failCheckWith != null) {
          throw failCheckWith;
        }
      }

      @Override
      public String run(DualControlOperation op, String approvalId) throws Exception {
        if (failRunWith != null) {
          throw failRunWith;
        }
        ran.add(op.summary());
        return "ran";
      }
    };
    DualControl.Officers current = new DualControl.Officers() {
      @Override
      public int count() {
        return officers.get();
      }

      @Override
      public boolean isOfficer(String principal) {
        return !removed.contains(principal);
      }
    };
    return new DualControl(db.approvals(), runner, current,
        event -> {
          if (auditDown) {
            throw new io.keygate.gateway.audit.AuditException("audit store down (test)");
          }
          audited.add(event);
        }, e -> "Code" + e.getClass().getSimpleName(), clock, UUID::randomUUID,
        required, Duration.ofHours(1));
  }

  @Test
  void secondOfficersApproval_runsTheOperationOnce_andAuditsItUnderItsOwnAction() throws Exception {
    DualControl dc = dualControl(2);
    DualControlRequest r = dc.request(DESTROY, "key of revoked credential", ALICE);
    assertThat(r.state()).isEqualTo(ApprovalState.PENDING);
    assertThat(r.votes()).extracting(ApprovalVote::officer).containsExactly(ALICE);
    assertThat(ran).isEmpty();

    DualControlRequest done = dc.approve(r.id(), BOB, "req-1");

    assertThat(done.state()).isEqualTo(ApprovalState.EXECUTED);
    assertThat(done.votes()).extracting(ApprovalVote::officer).containsExactly(ALICE, BOB);
    assertThat(ran).containsExactly("destroy HSM key ak-old");
    assertThat(audited).extracting(AuditEvent::action)
        .containsExactly("approval.quorum", "key.destroy");
    assertThat(audited).filteredOn(e -> !e.action().equals("approval.quorum"))
        .singleElement().satisfies(e -> {
      assertThat(e.action()).isEqualTo("key.destroy");
      assertThat(e.target()).isEqualTo("hsm/key/ak-old");
      assertThat(e.actor()).isEqualTo(BOB.actor());
      assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.SUCCESS);
      assertThat(e.requestId()).isEqualTo("req-1");
      assertThat(e.detail()).contains("approval=" + r.id()).contains("approvals=2/2");
    });
    assertThatThrownBy(() -> dc.approve(r.id(), CAROL, "req-2"))
        .isInstanceOf(ApprovalException.class)
        .extracting(e -> ((ApprovalException) e).reason()).isEqualTo(Reason.NOT_PENDING);
    assertThat(ran).hasSize(1);
  }

  @Test
  void officerChanges_areStoredAndReadBackAsApproved_onEveryDatabase() throws Exception {
    DualControl dc = dualControl(2);
    List<DualControlOperation> ops = List.of(
        new DualControlOperation.AddSecurityOfficer("sha256:dd"),
        new DualControlOperation.RemoveSecurityOfficer("subject:CN=bob", false),
        new DualControlOperation.RemoveSecurityOfficer("sha256:cc", true));
    for (DualControlOperation op : ops) {
      DualControlRequest r = dc.request(op, "officer change", ALICE);

      DualControlRequest read = dc.list(false).stream()
          .filter(x -> x.id().equals(r.id())).findFirst().orElseThrow();
      // What the approvers see is what they approve: below-M or not is part of the operation.
      assertThat(read.operation()).isEqualTo(op);
      assertThat(read.operation().summary()).isEqualTo(op.summary());
    }
    assertThat(dc.list(false)).extracting(x -> x.operation().kind())
        .contains("add-officer", "remove-officer", "remove-officer-below-m");
  }

  @Test
  void kekOperations_areStoredAndReadBack_onEveryDatabase() throws Exception {
    DualControl dc = dualControl(2);
    List<DualControlOperation> ops = List.of(
        new DualControlOperation.RewrapCredentials(KekId.of("kek-2026"), KekId.of("kek-2027")),
        new DualControlOperation.DestroyKek(KekId.of("kek-2026")));
    for (DualControlOperation op : ops) {
      DualControlRequest r = dc.request(op, "KEK rotation", ALICE);

      DualControlRequest read = dc.list(false).stream()
          .filter(x -> x.id().equals(r.id())).findFirst().orElseThrow();
      assertThat(read.operation()).isEqualTo(op);
    }
    assertThat(dc.list(false)).extracting(x -> x.operation().kind())
        .contains("rewrap-credentials", "destroy-kek");
  }

  @Test
  void quorumHistory_keepsTheFirstRecord_forGood() throws Exception {
    io.keygate.gateway.admin.access.QuorumHistory history = db.quorumHistory();
    assertThat(history.reachedAt()).isEmpty();
    Instant first = clock.instant();

    history.recordReached(first, 2, 2);
    history.recordReached(first.plusSeconds(60), 3, 2); // another node, later: no change, no error

    assertThat(history.reachedAt()).contains(first);
  }

  @Test
  void theRequesterCannotApproveItsOwnRequest_norAnOfficerTwice() throws Exception {
    DualControl dc = dualControl(3);
    DualControlRequest r = dc.request(new RevokeTenantCredentials("acme"), "breach", ALICE);

    assertThat(reason(() -> dc.approve(r.id(), ALICE, "-"))).isEqualTo(Reason.ALREADY_APPROVED);
    assertThat(dc.approve(r.id(), BOB, "-").state()).isEqualTo(ApprovalState.PENDING);
    // The same principal with another certificate (another actor) is still the same officer.
    Officer bobAgain = new Officer(BOB.principal(), "CN=bob", "CN=bob sha256:b2");
    assertThat(reason(() -> dc.approve(r.id(), bobAgain, "-")))
        .isEqualTo(Reason.ALREADY_APPROVED);
    assertThat(ran).isEmpty();

    assertThat(dc.approve(r.id(), CAROL, "-").state()).isEqualTo(ApprovalState.EXECUTED);
    assertThat(ran).containsExactly("revoke every credential of tenant acme");
  }

  @Test
  void aRequestNotApprovedInTime_expires_andCannotBeApprovedAfterwards() throws Exception {
    DualControl dc = dualControl(2);
    DualControlRequest r = dc.request(DESTROY, "cleanup", ALICE);
    clock.advance(Duration.ofHours(1));

    assertThat(dc.list(false)).isEmpty();
    assertThat(dc.list(true)).singleElement()
        .extracting(DualControlRequest::state).isEqualTo(ApprovalState.EXPIRED);
    assertThat(reason(() -> dc.approve(r.id(), BOB, "-"))).isEqualTo(Reason.EXPIRED);
    assertThat(reason(() -> dc.approve(r.id(), CAROL, "-"))).isEqualTo(Reason.NOT_PENDING);
    assertThat(ran).isEmpty();
  }

  @Test
  void aRejectedOrWithdrawnRequest_neverRuns() throws Exception {
    DualControl dc = dualControl(2);
    DualControlRequest rejected = dc.request(DESTROY, "cleanup", ALICE);
    DualControlRequest withdrawn = dc.request(DESTROY, "cleanup", ALICE);

    assertThat(dc.reject(rejected.id(), BOB).outcome()).isEqualTo("rejected by " + BOB.actor());
    assertThat(dc.reject(withdrawn.id(), ALICE).outcome())
        .isEqualTo("withdrawn by " + ALICE.actor());

    assertThat(reason(() -> dc.approve(rejected.id(), CAROL, "-")))
        .isEqualTo(Reason.NOT_PENDING);
    assertThat(reason(() -> dc.approve(withdrawn.id(), BOB, "-"))).isEqualTo(Reason.NOT_PENDING);
    assertThat(dc.list(true)).extracting(DualControlRequest::state)
        .containsOnly(ApprovalState.REJECTED);
    assertThat(ran).isEmpty();
  }

  @Test
  void aRunThatFails_endsFailedWithTheErrorCode_andIsAuditedAsFailed() throws Exception {
    DualControl dc = dualControl(2);
    DualControlRequest r = dc.request(
        new ActivateTlsKey(TlsListener.INGRESS, KeyLabel.of("tls-new"), "ab12"), "rotation",
        ALICE);
    failRunWith = new IllegalStateException("hsm said no");

    DualControlRequest done = dc.approve(r.id(), BOB, "req-9");

    assertThat(done.state()).isEqualTo(ApprovalState.FAILED);
    assertThat(done.outcome()).isEqualTo("CodeIllegalStateException");
    assertThat(audited).filteredOn(e -> !e.action().equals("approval.quorum"))
        .singleElement().satisfies(e -> {
      assertThat(e.action()).isEqualTo("tls.activate");
      assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.FAILED);
      assertThat(e.detail()).contains("CodeIllegalStateException");
    });
  }

  @Test
  void withTheAuditLogDown_nothingRuns_andTheLastApproverRetriesOnceItIsBack() throws Exception {
    DualControl dc = dualControl(2);
    DualControlRequest r = dc.request(DESTROY, "cleanup", ALICE);
    auditDown = true;

    assertThatThrownBy(() -> dc.approve(r.id(), BOB, "req-3"))
        .isInstanceOf(io.keygate.gateway.audit.AuditException.class);
    assertThat(ran).isEmpty();
    assertThat(dc.list(false)).singleElement().satisfies(p -> {
      assertThat(p.state()).isEqualTo(ApprovalState.PENDING);
      assertThat(p.votes()).hasSize(2);
    });

    auditDown = false;
    // Bob's approval is stored; calling again starts the run the outage stopped.
    assertThat(dc.approve(r.id(), BOB, "req-4").state()).isEqualTo(ApprovalState.EXECUTED);
    assertThat(ran).hasSize(1);
    assertThat(audited).extracting(AuditEvent::action)
        .containsExactly("approval.quorum", "key.destroy");
    // The requester alone still cannot use that door.
    DualControlRequest other = dc.request(DESTROY, "cleanup", ALICE);
    assertThat(reason(() -> dc.approve(other.id(), ALICE, "-")))
        .isEqualTo(Reason.ALREADY_APPROVED);
  }

  @Test
  void theApprovalOfAnOfficerRemovedMeanwhile_lapses() throws Exception {
    DualControl dc = dualControl(2);
    DualControlRequest r = dc.request(DESTROY, "cleanup", ALICE);
    removed.add(ALICE.principal());

    assertThat(dc.approve(r.id(), BOB, "-").state()).isEqualTo(ApprovalState.PENDING);
    assertThat(ran).isEmpty();
    assertThat(dc.approve(r.id(), CAROL, "-").state()).isEqualTo(ApprovalState.EXECUTED);
    assertThat(ran).hasSize(1);
  }

  @Test
  void twoPrincipalsWithOneCertificateSubject_areOneApprover() throws Exception {
    DualControl dc = dualControl(2);
    DualControlRequest r = dc.request(DESTROY, "cleanup", ALICE);
    // e.g. alice's renewed certificate, mapped by fingerprint next to her subject mapping
    Officer aliceByFingerprint = new Officer("sha256:a2", "CN=alice", "CN=alice sha256:a2");

    assertThat(reason(() -> dc.approve(r.id(), aliceByFingerprint, "-")))
        .isEqualTo(Reason.ALREADY_APPROVED);
    assertThat(ran).isEmpty();
  }

  @Test
  void aRunCannotStartAfterTheRequestExpired_evenIfAskedDirectly() throws Exception {
    DualControlRequest r = dualControl(2).request(DESTROY, "cleanup", ALICE);
    ApprovalRecords store = db.approvals();

    assertThat(store.start(r.id(), r.expiresAt())).isFalse();
    assertThat(store.start(r.id(), r.expiresAt().minusMillis(1))).isTrue();
  }

  @Test
  void anOperationThatCouldNotRun_isRefusedWhenRequested_andNothingIsStored() throws Exception {
    DualControl dc = dualControl(2);
    failCheckWith = new IllegalStateException("key in use");

    assertThatThrownBy(() -> dc.request(DESTROY, "cleanup", ALICE))
        .isInstanceOf(IllegalStateException.class);
    assertThat(dc.list(true)).isEmpty();
  }

  @Test
  void withFewerOfficersThanRequired_aRequestIsRefused() throws Exception {
    officers.set(1);
    assertThat(reason(() -> dualControl(2).request(DESTROY, "cleanup", ALICE)))
        .isEqualTo(Reason.TOO_FEW_OFFICERS);
  }

  @Test
  void reasonsAndIdsFromCallers_areChecked() throws Exception {
    DualControl dc = dualControl(2);
    assertThatThrownBy(() -> dc.request(DESTROY, "", ALICE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> dc.request(DESTROY, "x".repeat(201), ALICE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> dc.request(DESTROY, "line\nbreak", ALICE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(reason(() -> dc.approve("no-such-id", BOB, "-"))).isEqualTo(Reason.NOT_FOUND);
    assertThat(reason(() -> dc.approve("x".repeat(5000), BOB, "-"))).isEqualTo(Reason.NOT_FOUND);
  }

  @Test
  void officersApprovingAtTheSameMoment_runTheOperationExactlyOnce() throws Exception {
    DualControl dc = dualControl(2);
    List<Officer> approvers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      approvers.add(new Officer("subject:CN=officer-" + i, "CN=officer-" + i, "CN=officer-" + i));
    }
    officers.set(10);
    DualControlRequest r = dc.request(DESTROY, "race", ALICE);
    ExecutorService pool = Executors.newFixedThreadPool(approvers.size());
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (Officer o : approvers) {
        results.add(pool.submit(() -> {
          go.await();
          try {
            return dc.approve(r.id(), o, "-").state().name();
          } catch (ApprovalException e) {
            return e.reason().name();
          }
        }));
      }
      go.countDown();
      List<String> outcomes = new ArrayList<>();
      for (Future<String> f : results) {
        outcomes.add(f.get(30, TimeUnit.SECONDS));
      }
      assertThat(ran).hasSize(1);
      assertThat(outcomes).contains("EXECUTED");
      // The others approved too, and saw it running or done, or came after it closed.
      assertThat(outcomes).allMatch(
          o -> o.equals("EXECUTED") || o.equals("RUNNING") || o.equals("NOT_PENDING"));
    } finally {
      pool.shutdownNow();
    }
  }

  private static Reason reason(ThrowingCall call) {
    try {
      call.run();
    } catch (ApprovalException e) {
      return e.reason();
    } catch (Exception e) {
      throw new AssertionError("expected an ApprovalException", e);
    }
    throw new AssertionError("the call succeeded but should have been refused");
  }

  @FunctionalInterface
  interface ThrowingCall {
    void run() throws Exception;
  }
}
