package io.keygate.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.keygate.gateway.audit.AuditEvent;
import io.keygate.gateway.dataplane.CallObserver;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.model.Grant;
import io.keygate.hsm.KekId;
import io.keygate.hsm.WrappedSecret;
import io.keygate.hsm.testing.ProcessResult;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.admin.v1.ApprovalRequest;
import io.keygate.proto.admin.v1.ApprovalState;
import io.keygate.proto.admin.v1.ApproveRequest;
import io.keygate.proto.admin.v1.DestroyKek;
import io.keygate.proto.admin.v1.DestroyKey;
import io.keygate.proto.admin.v1.DualControlOperation;
import io.keygate.proto.admin.v1.IssuedCredential;
import io.keygate.proto.admin.v1.ListApprovalsRequest;
import io.keygate.proto.admin.v1.RequestApprovalRequest;
import io.keygate.gateway.credentials.KekIssuers;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Destroying a KEK under dual control (admin API 1.5), through the real admin API, SoftHSM2
 * token, database and data plane. The node issues under {@link #ISSUING}; {@link #PREVIOUS}
 * still wraps credentials of an earlier rotation; {@link #REVOKED} a revoked one; {@link #SPARE}
 * and {@link #LATE} wrap nothing until a test says so.
 * Each rule is a test that fails without it: two officers, no credential row under the KEK (when
 * requested and again when it runs), never the issuing KEK, only a KEK the token holds.
 */
class KekDestructionAdminTest {
  private static final KekId ISSUING = KekId.of("kek-2027");
  private static final KekId PREVIOUS = KekId.of("kek-2026");
  private static final KekId SPARE = KekId.of("kek-spare");
  private static final KekId LATE = KekId.of("kek-late");
  private static final KekId REVOKED = KekId.of("kek-revoked");
  private static final KekId OTHER_NODES = KekId.of("kek-other-node");
  private static final String TOKEN = "kekdestroy";

  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens(TOKEN);

  private static HierarchyFixture hsm;
  private static AdminFixture admin;
  private static TestAdminCa.Client officer2;
  private static final Map<String, byte[]> secrets = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    hsm = HierarchyFixture.start(tokens, TOKEN, CallObserver.NONE, ISSUING, PREVIOUS, SPARE, LATE,
        REVOKED, OTHER_NODES);
    admin = hsm.admin;
    officer2 = admin.addOfficer("officer-2");
  }

  @AfterAll
  static void stop() throws Exception {
    if (hsm != null) {
      hsm.close();
    }
  }

  @Test
  void unusedKek_isDestroyedOnlyOnceASecondOfficerApproves_andAuditedOnce() throws Exception {
    int mark = admin.audit.mark();
    ApprovalRequest asked = admin.as(admin.officer).requestApproval(destroyKek(SPARE));
    assertThat(asked.getState()).isEqualTo(ApprovalState.APPROVAL_PENDING);
    assertThat(asked.getSummary()).contains("destroy KEK kek-spare");
    // One officer alone: asking again as an approver does not count, nothing happens.
    assertThat(Calls.status(() -> admin.as(admin.officer).approve(approve(asked))))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "AlreadyApproved"));
    assertThat(hsm.hierarchy.hasKek(SPARE)).as("gone on one officer's word").isTrue();

    ApprovalRequest done = admin.as(officer2).approve(approve(asked));

    assertThat(done.getState()).isEqualTo(ApprovalState.APPROVAL_EXECUTED);
    assertThat(hsm.hierarchy.hasKek(SPARE)).isFalse();
    // Another process's view of the token, as 'kek list' has it: the label is gone.
    assertThat(tokenLabels()).doesNotContain(SPARE.label().value())
        .contains(ISSUING.label().value(), PREVIOUS.label().value());
    List<AuditEvent> ran = admin.audit.since(mark).stream()
        .filter(e -> e.action().equals("kek.destroy")).toList();
    assertThat(ran).hasSize(1);
    assertThat(ran.get(0).target()).isEqualTo("kek/kek-spare");
    assertThat(ran.get(0).outcome()).isEqualTo(AuditEvent.Outcome.SUCCESS);
    assertThat(ran.get(0).actor()).isEqualTo(officer2.identity().auditActor());
    assertThat(ran.get(0).detail()).contains("approval=" + asked.getId()).endsWith("destroyed");

    // Gone for good: asking again finds no such KEK.
    assertThat(refusal(destroyKek(SPARE)))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "KekUnusable"));
  }

  @Test
  void kekThatStillWrapsACredential_isRefused_andTheCredentialKeepsWorking() throws Exception {
    String held = issueUnder(PREVIOUS, "held-app");
    int pending = pendingCount();

    assertThat(refusal(destroyKek(PREVIOUS)))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "KekInUse"));

    assertThat(pendingCount()).as("nothing stored").isEqualTo(pending);
    assertThat(hsm.hierarchy.hasKek(PREVIOUS)).isTrue();
    assertThat(echo(held, "still here")).isEqualTo("still here");
  }

  @Test
  void aRevokedCredentialsBlob_stillCounts() throws Exception {
    // Any row naming the KEK, whatever its state: "no blob names it" is what makes it safe.
    String revoked = issueUnder(REVOKED, "revoked-app");
    admin.store.revokeCredential("acme", revoked);

    assertThat(refusal(destroyKek(REVOKED)))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "KekInUse"));
    assertThat(hsm.hierarchy.hasKek(REVOKED)).isTrue();
  }

  @Test
  void credentialWrappedUnderIt_afterTheRequest_stopsTheRun_andTheKekStays() throws Exception {
    int mark = admin.audit.mark();
    ApprovalRequest asked = admin.as(admin.officer).requestApproval(destroyKek(LATE));
    // Between request and approval a credential comes to be wrapped under it.
    String late = issueUnder(LATE, "late-app");

    ApprovalRequest done = admin.as(officer2).approve(approve(asked));

    assertThat(done.getState()).isEqualTo(ApprovalState.APPROVAL_FAILED);
    assertThat(done.getOutcome()).isEqualTo("KekInUse");
    assertThat(hsm.hierarchy.hasKek(LATE)).isTrue();
    assertThat(echo(late, "late")).isEqualTo("late");
    assertThat(admin.audit.since(mark)).filteredOn(e -> e.action().equals("kek.destroy"))
        .singleElement()
        .satisfies(e -> {
          assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.FAILED);
          assertThat(e.detail()).endsWith("KekInUse");
        });
  }

  @Test
  void theKekThisNodeIssuesUnder_isRefused_evenWhileItWrapsNothing() throws Exception {
    assertThat(admin.store.credentials("acme")).noneMatch(c -> c.wrapped() != null
        && c.wrapped().kek().equals(ISSUING)); // so only the issuing rule can refuse it

    assertThat(refusal(destroyKek(ISSUING)))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "KekIsIssuing"));

    assertThat(hsm.hierarchy.hasKek(ISSUING)).isTrue();
    String fresh = issueUnder(ISSUING, "fresh-app");
    assertThat(echo(fresh, "issued")).isEqualTo("issued");
  }

  @Test
  void aKekAnotherNodeIssuesUnder_isRefused_untilThatNodeStops() throws Exception {
    // This node's admin plane reported its KEK as it started, for the other nodes to find.
    assertThat(admin.database.kekIssuers().nodesIssuingUnder(ISSUING, Instant.EPOCH))
        .containsExactly(AdminFixture.NODE_ID);
    // A second node on the same database issues under OTHER_NODES (an operator forgot to move
    // it): its admin plane reports that as it starts, before it issues anything.
    KekIssuers nodeB = new KekIssuers(admin.database.kekIssuers(), "node-b",
        Optional.of(OTHER_NODES), admin.clock);
    nodeB.report();
    assertThat(admin.store.credentials("acme")).noneMatch(c -> c.wrapped() != null
        && c.wrapped().kek().equals(OTHER_NODES)); // so only the issuing rule can refuse it

    assertThat(refusal(destroyKek(OTHER_NODES)))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "KekIsIssuing"));
    // Asked while node B was stopped, approved after it came back: refused when it runs.
    nodeB.withdraw();
    ApprovalRequest asked = admin.as(admin.officer).requestApproval(destroyKek(OTHER_NODES));
    nodeB.report();
    ApprovalRequest stopped = admin.as(officer2).approve(approve(asked));
    assertThat(stopped.getState()).isEqualTo(ApprovalState.APPROVAL_FAILED);
    assertThat(stopped.getOutcome()).isEqualTo("KekIsIssuing");
    assertThat(hsm.hierarchy.hasKek(OTHER_NODES)).isTrue();

    // Node B stops (it withdraws its report): now the KEK may go.
    nodeB.withdraw();
    ApprovalRequest again = admin.as(admin.officer).requestApproval(destroyKek(OTHER_NODES));
    assertThat(admin.as(officer2).approve(approve(again)).getState())
        .isEqualTo(ApprovalState.APPROVAL_EXECUTED);
    assertThat(hsm.hierarchy.hasKek(OTHER_NODES)).isFalse();
  }

  @Test
  void unknownOrMalformedKek_andOtherPaths_areRefused() {
    assertThat(refusal(destroyKek(KekId.of("kek-missing"))))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "KekUnusable"));
    assertThat(refusal(RequestApprovalRequest.newBuilder()
            .setOperation(DualControlOperation.newBuilder()
                .setDestroyKek(DestroyKek.newBuilder().setKekId("Not/A-Kek")))
            .setReason("x").build()))
        .isEqualTo(Calls.refusal(Status.Code.INVALID_ARGUMENT, "InvalidArgument"));
    // Not around the usage check: a KEK's label is reserved to DestroyKey, whatever it wraps.
    assertThat(refusal(RequestApprovalRequest.newBuilder()
            .setOperation(DualControlOperation.newBuilder()
                .setDestroyKey(DestroyKey.newBuilder().setLabel(PREVIOUS.label().value())))
            .setReason("x").build()))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "KeyProtected"));
    // Only officers ask.
    assertThat(Calls.status(() -> admin.as(admin.acmeAdmin).requestApproval(destroyKek(LATE)))
        .status()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(Calls.status(() -> admin.as(admin.auditor).requestApproval(destroyKek(LATE)))
        .status()).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  private static RequestApprovalRequest destroyKek(KekId kek) {
    return RequestApprovalRequest.newBuilder()
        .setOperation(DualControlOperation.newBuilder()
            .setDestroyKek(DestroyKek.newBuilder().setKekId(kek.value())))
        .setReason("end of KEK rotation")
        .build();
  }

  private static ApproveRequest approve(ApprovalRequest r) {
    return ApproveRequest.newBuilder().setId(r.getId()).build();
  }

  private static Calls.Refusal refusal(RequestApprovalRequest r) {
    return Calls.status(() -> admin.as(admin.officer).requestApproval(r));
  }

  private static int pendingCount() {
    return admin.as(admin.officer).listApprovals(ListApprovalsRequest.getDefaultInstance())
        .getRequestsCount();
  }

  /**
   * An app of acme with a credential issued by the node (under {@link #ISSUING}) and, for another
   * KEK, moved under it inside the HSM as a rotation would have; returns its AccessKey.
   */
  private static String issueUnder(KekId kek, String app) throws Exception {
    admin.store.createApp(new App(app, "acme", app));
    admin.store.grant(new Grant("acme", app, "api-echo"));
    IssuedCredential issued = hsm.create(app);
    String key = issued.getCredential().getAccessKey();
    secrets.put(key, hsm.decrypt(issued));
    if (!kek.equals(ISSUING)) {
      WrappedSecret now = wrappedOf(key);
      assertThat(admin.store.replaceWrappedSecret(key, now, hsm.hierarchy.rewrap(now, kek)))
          .isTrue();
    }
    hsm.gateway.refreshConfiguration();
    return key;
  }

  private static WrappedSecret wrappedOf(String accessKey) throws Exception {
    return admin.store.credentials("acme").stream()
        .filter(c -> c.accessKey().equals(accessKey))
        .map(Credential::wrapped)
        .findFirst().orElseThrow();
  }

  private static String echo(String accessKey, String message) {
    return HierarchyFixture.echo(hsm.signed(accessKey, secrets.get(accessKey)), message);
  }

  /** The token's object labels as pkcs11-tool, another process logged in as the user, lists them. */
  private static String tokenLabels() throws Exception {
    ProcessResult r = tokens.pkcs11Tool(TOKEN, "--list-objects", "--type", "secrkey");
    assertThat(r.exitCode()).as(r.output()).isZero();
    return r.output();
  }
}
