package io.keygate.gateway.admin;

import io.keygate.gateway.admin.access.AdminPrincipal;

import static io.keygate.gateway.admin.AdminFixture.ACME;
import static io.keygate.gateway.admin.AdminFixture.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.keygate.gateway.audit.AuditEvent;
import io.keygate.gateway.audit.AuditEvent.Outcome;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.Credential;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.admin.v1.AddPrincipalRequest;
import io.keygate.proto.admin.v1.AddSecurityOfficer;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.ApprovalRequest;
import io.keygate.proto.admin.v1.ApprovalState;
import io.keygate.proto.admin.v1.ApproveRequest;
import io.keygate.proto.admin.v1.DestroyKey;
import io.keygate.proto.admin.v1.DualControlOperation;
import io.keygate.proto.admin.v1.ListApprovalsRequest;
import io.keygate.proto.admin.v1.ListTlsKeysRequest;
import io.keygate.proto.admin.v1.Principal;
import io.keygate.proto.admin.v1.Role;
import io.keygate.proto.admin.v1.WhoAmIRequest;
import io.keygate.proto.admin.v1.RejectApprovalRequest;
import io.keygate.proto.admin.v1.RequestApprovalRequest;
import io.keygate.proto.admin.v1.RevokeTenantCredentials;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Dual control through the real admin API (mutual TLS, SoftHSM2, H2): destroying a key and
 * revoking a tenant's credentials need a second officer; what may not run is refused when asked
 * for; requests expire; roles other than officer cannot take part; everything is audited.
 */
class DualControlAdminTest {
  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("dual");

  static AdminFixture admin;
  static TestAdminCa.Client officer2;

  @BeforeAll
  static void start() throws Exception {
    admin = new AdminFixture(tokens).start("dual");
    officer2 = admin.addOfficer("officer-2");
  }

  @AfterAll
  static void stop() throws Exception {
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void destroyingAKey_needsASecondOfficer_thenTheKeyIsGoneAndEveryStepIsAudited()
      throws Exception {
    AdminServiceBlockingStub officer = admin.as(admin.officer);
    String accessKey = revokedCredential(ACME, "acme-app");
    KeyLabel label = KeyLabel.of("ak-" + accessKey.toLowerCase(java.util.Locale.ROOT));
    int mark = admin.audit.mark();

    ApprovalRequest requested = officer.requestApproval(destroy(label.value(), "revoked in #42"));
    assertThat(requested.getState()).isEqualTo(ApprovalState.APPROVAL_PENDING);
    assertThat(requested.getRequiredApprovals()).isEqualTo(2);
    assertThat(requested.getApprovalsCount()).isEqualTo(1);
    assertThat(requested.getSummary()).isEqualTo("destroy HSM key " + label);
    assertThat(admin.hsm.describeKey(label)).isPresent();

    assertThat(Calls.status(() -> officer.approve(approve(requested))))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "AlreadyApproved"));
    assertThat(admin.hsm.describeKey(label)).isPresent();

    ApprovalRequest done = admin.as(officer2).approve(approve(requested));

    assertThat(done.getState()).isEqualTo(ApprovalState.APPROVAL_EXECUTED);
    assertThat(done.getApprovalsList()).extracting(a -> a.getOfficer())
        .containsExactly(admin.officer.identity().auditActor(), officer2.identity().auditActor());
    assertThat(admin.hsm.describeKey(label)).isEmpty();
    List<AuditEvent> events = admin.audit.since(mark);
    assertThat(events).extracting(AuditEvent::action, AuditEvent::outcome).containsExactly(
        org.assertj.core.groups.Tuple.tuple("approval.request", Outcome.SUCCESS),
        org.assertj.core.groups.Tuple.tuple("approval.approve", Outcome.FAILED),
        org.assertj.core.groups.Tuple.tuple("approval.quorum", Outcome.SUCCESS),
        org.assertj.core.groups.Tuple.tuple("key.destroy", Outcome.SUCCESS),
        org.assertj.core.groups.Tuple.tuple("approval.approve", Outcome.SUCCESS));
    AuditEvent destroyed = events.get(3);
    assertThat(destroyed.actor()).isEqualTo(officer2.identity().auditActor());
    assertThat(destroyed.target()).isEqualTo("hsm/key/" + label);
    assertThat(destroyed.detail()).contains("approval=" + requested.getId());
    assertThat(events.get(0).detail()).contains("reason=revoked in #42");
  }

  @Test
  void whatCouldNotRun_isRefusedWhenRequested_withAStableCode() throws Exception {
    AdminServiceBlockingStub officer = admin.as(admin.officer);
    String live = liveCredential(ACME, "acme-app");

    assertThat(refusal(officer, destroy("ak-" + live.toLowerCase(java.util.Locale.ROOT), "x")))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "KeyInUse"));
    assertThat(refusal(officer, destroy("audit-signing", "x")))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "KeyProtected"));
    assertThat(refusal(officer, destroy("keygate.canary", "x")))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "KeyProtected"));
    assertThat(refusal(officer, destroy("admin-tls", "x")))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "TlsKeyServed"));
    assertThat(refusal(officer, destroy("no-such-key", "x")))
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "KeyNotFound"));
    assertThat(refusal(officer, destroy("not a label!", "x")))
        .isEqualTo(Calls.refusal(Status.Code.INVALID_ARGUMENT, "InvalidArgument"));
    assertThat(refusal(officer, destroy("no-such-key", "")))
        .isEqualTo(Calls.refusal(Status.Code.INVALID_ARGUMENT, "InvalidArgument"));
    assertThat(refusal(officer, RequestApprovalRequest.newBuilder().setReason("x").build()))
        .isEqualTo(Calls.refusal(Status.Code.INVALID_ARGUMENT, "InvalidArgument"));
    assertThat(refusal(officer, revokeAll("no-such-tenant")))
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "NotFound"));
    // This node has no key hierarchy: there is no KEK it could destroy.
    assertThat(refusal(officer, RequestApprovalRequest.newBuilder()
            .setOperation(DualControlOperation.newBuilder()
                .setDestroyKek(io.keygate.proto.admin.v1.DestroyKek.newBuilder().setKekId("kek-1")))
            .setReason("x").build()))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "KekUnusable"));
    assertThat(Calls.status(() -> officer.approve(ApproveRequest.newBuilder().setId("nope").build())))
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "ApprovalNotFound"));
    // The server kept serving, and nothing half-made is pending.
    assertThat(officer.listApprovals(ListApprovalsRequest.getDefaultInstance()).getRequestsList())
        .noneMatch(r -> r.getReason().equals("x"));
  }

  @Test
  void revokingEveryCredentialOfATenant_afterApproval_leavesOtherTenantsAlone() throws Exception {
    admin.store.createApp(new App("acme-batch", ACME, "Batch"));
    String first = liveCredential(ACME, "acme-batch");
    String globex = liveCredential(GLOBEX, "globex-app");
    int changes = admin.configChanges.get();

    ApprovalRequest r = admin.as(admin.officer).requestApproval(revokeAll(ACME));
    assertThat(state(ACME, first)).isEqualTo(Credential.State.ACTIVE);
    ApprovalRequest done = admin.as(officer2).approve(approve(r));

    assertThat(done.getState()).isEqualTo(ApprovalState.APPROVAL_EXECUTED);
    assertThat(admin.store.credentials(ACME))
        .allMatch(c -> c.stateAt(admin.clock.instant()) != Credential.State.ACTIVE);
    assertThat(state(GLOBEX, globex)).isEqualTo(Credential.State.ACTIVE);
    assertThat(admin.configChanges.get()).isGreaterThan(changes);
    assertThat(admin.audit.events()).anySatisfy(e -> {
      assertThat(e.action()).isEqualTo("credential.revoke-all");
      assertThat(e.target()).isEqualTo("tenant/acme/credentials");
      assertThat(e.detail()).contains("revoked=");
    });
  }

  @Test
  void aRequestNotApprovedInTime_expires() throws Exception {
    ApprovalRequest r = admin.as(admin.officer).requestApproval(revokeAll(GLOBEX));
    admin.clock.advance(Duration.ofHours(1).plusMillis(1));
    try {
      assertThat(Calls.status(() -> admin.as(officer2).approve(approve(r))))
          .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "ApprovalExpired"));
      assertThat(listAll().stream().filter(x -> x.getId().equals(r.getId())).findFirst())
          .get().extracting(ApprovalRequest::getState).isEqualTo(ApprovalState.APPROVAL_EXPIRED);
    } finally {
      admin.clock.advance(Duration.ofHours(-1).minusMillis(1));
    }
  }

  @Test
  void aRejectedRequest_cannotBeApprovedAnyMore() throws Exception {
    ApprovalRequest r = admin.as(admin.officer).requestApproval(revokeAll(GLOBEX));
    ApprovalRequest rejected = admin.as(officer2)
        .rejectApproval(RejectApprovalRequest.newBuilder().setId(r.getId()).build());

    assertThat(rejected.getState()).isEqualTo(ApprovalState.APPROVAL_REJECTED);
    assertThat(rejected.getOutcome()).isEqualTo("rejected by " + officer2.identity().auditActor());
    assertThat(Calls.status(() -> admin.as(officer2).approve(approve(r))))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "ApprovalClosed"));
  }

  @Test
  void onlyOfficersTakePart_auditorsMayLook() throws Exception {
    ApprovalRequest r = admin.as(admin.officer).requestApproval(revokeAll(GLOBEX));
    Calls.Refusal denied = Calls.refusal(Status.Code.PERMISSION_DENIED, "PermissionDenied");

    assertThat(Calls.status(() -> admin.as(admin.acmeAdmin).requestApproval(revokeAll(ACME))))
        .isEqualTo(denied);
    assertThat(Calls.status(() -> admin.as(admin.globexAdmin).approve(approve(r))))
        .isEqualTo(denied);
    assertThat(Calls.status(() -> admin.as(admin.auditor).approve(approve(r)))).isEqualTo(denied);
    assertThat(Calls.status(() -> admin.as(admin.auditor).rejectApproval(
        RejectApprovalRequest.newBuilder().setId(r.getId()).build()))).isEqualTo(denied);
    assertThat(Calls.status(() -> admin.as(admin.stranger).listApprovals(
        ListApprovalsRequest.getDefaultInstance()))).isEqualTo(denied);

    assertThat(admin.as(admin.auditor).listApprovals(ListApprovalsRequest.getDefaultInstance())
        .getRequestsList()).extracting(ApprovalRequest::getId).contains(r.getId());
    assertThat(admin.as(admin.auditor).listTlsKeys(ListTlsKeysRequest.getDefaultInstance())
        .getKeysList()).isNotEmpty();
    assertThat(admin.as(admin.officer).listApprovals(ListApprovalsRequest.getDefaultInstance())
        .getRequestsList()).filteredOn(x -> x.getId().equals(r.getId()))
        .extracting(ApprovalRequest::getState).containsExactly(ApprovalState.APPROVAL_PENDING);
  }

  @Test
  void onceMOfficersExist_addingAnotherOneTakesDualControl() throws Exception {
    TestAdminCa.Client carol = admin.ca.issue("CN=officer-3,O=Keygate Admins");
    String sha = carol.identity().sha256().value();
    AdminServiceBlockingStub officer = admin.as(admin.officer);

    // Otherwise one officer could enrol a second certificate of their own and approve alone.
    assertThat(Calls.status(() -> officer.addPrincipal(AddPrincipalRequest.newBuilder()
            .setPrincipal(Principal.newBuilder().setCertificateSha256(sha)
                .setRole(Role.SECURITY_OFFICER))
            .build())))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "DualControlRequired"));
    assertThat(admin.principals.find(carol.identity().sha256())).isEmpty();

    ApprovalRequest r = officer.requestApproval(RequestApprovalRequest.newBuilder()
        .setOperation(DualControlOperation.newBuilder().setAddSecurityOfficer(
            AddSecurityOfficer.newBuilder().setCertificateSha256(sha)))
        .setReason("new colleague")
        .build());
    assertThat(r.getSummary()).isEqualTo("make sha256:" + sha + " a security-officer");
    assertThat(admin.as(officer2).approve(approve(r)).getState())
        .isEqualTo(ApprovalState.APPROVAL_EXECUTED);

    assertThat(admin.as(carol).whoAmI(WhoAmIRequest.getDefaultInstance()).getRole())
        .isEqualTo(Role.SECURITY_OFFICER);
    assertThat(refusal(officer, RequestApprovalRequest.newBuilder()
            .setOperation(DualControlOperation.newBuilder().setAddSecurityOfficer(
                AddSecurityOfficer.newBuilder().setCertificateSha256(sha)))
            .setReason("again").build()))
        .isEqualTo(Calls.refusal(Status.Code.ALREADY_EXISTS, "AlreadyExists"));
    admin.principals.remove(carol.identity().sha256());
  }

  @Test
  void aKeyAnotherNodeStillServes_cannotBeDestroyed() throws Exception {
    KeyLabel label = KeyLabel.of("other-node-tls");
    admin.hsm.generateEcKey(label,
        io.keygate.hsm.CertificateProfile.localhost("other", Duration.ofDays(1)));
    // What a node that has not switched yet reports on its every poll.
    admin.activeTls.reportServed("node-b", io.keygate.gateway.tls.TlsListener.INGRESS, label,
        admin.clock.instant());

    assertThat(refusal(admin.as(admin.officer), destroy(label.value(), "cleanup")))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "TlsKeyServed"));
  }

  @Test
  void withFewerOfficersThanApprovalsRequired_requestsAreRefused() throws Exception {
    admin.principals.remove(officer2.identity().sha256());
    try {
      assertThat(refusal(admin.as(admin.officer), revokeAll(GLOBEX)))
          .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "TooFewOfficers"));
    } finally {
      admin.principals.add(AdminPrincipal.officer(officer2.identity().sha256()));
    }
  }

  // ---- helpers ----

  private static Calls.Refusal refusal(AdminServiceBlockingStub stub, RequestApprovalRequest r) {
    return Calls.status(() -> stub.requestApproval(r));
  }

  private static List<ApprovalRequest> listAll() {
    return admin.as(admin.officer)
        .listApprovals(ListApprovalsRequest.newBuilder().setIncludeClosed(true).build())
        .getRequestsList();
  }

  static RequestApprovalRequest destroy(String label, String reason) {
    return RequestApprovalRequest.newBuilder()
        .setOperation(DualControlOperation.newBuilder()
            .setDestroyKey(DestroyKey.newBuilder().setLabel(label)))
        .setReason(reason)
        .build();
  }

  static RequestApprovalRequest revokeAll(String tenant) {
    return RequestApprovalRequest.newBuilder()
        .setOperation(DualControlOperation.newBuilder()
            .setRevokeTenantCredentials(RevokeTenantCredentials.newBuilder().setTenantId(tenant)))
        .setReason("tenant compromised")
        .build();
  }

  static ApproveRequest approve(ApprovalRequest r) {
    return ApproveRequest.newBuilder().setId(r.getId()).build();
  }

  private static String liveCredential(String tenant, String app) throws Exception {
    List<Credential> existing = admin.store.credentials(tenant);
    boolean hasLive = existing.stream().anyMatch(
        c -> c.appId().equals(app) && c.stateAt(admin.clock.instant()) == Credential.State.ACTIVE);
    // Issuing is the tenant's admins' job, not an officer's.
    var tenantAdmin = admin.as(ACME.equals(tenant) ? admin.acmeAdmin : admin.globexAdmin);
    return hasLive
        ? existing.stream().filter(c -> c.appId().equals(app)
            && c.stateAt(admin.clock.instant()) == Credential.State.ACTIVE)
            .findFirst().orElseThrow().accessKey()
        : tenantAdmin.createCredential(CredentialAdminTest.create(tenant, app))
            .getCredential().getAccessKey();
  }

  private static String revokedCredential(String tenant, String app) throws Exception {
    String key = liveCredential(tenant, app);
    admin.as(admin.officer).revokeCredential(CredentialAdminTest.revoke(tenant, key));
    return key;
  }

  private static Credential.State state(String tenant, String accessKey) throws Exception {
    return admin.store.credentials(tenant).stream()
        .filter(c -> c.accessKey().equals(accessKey))
        .findFirst().orElseThrow().stateAt(admin.clock.instant());
  }
}
