package io.keygate.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.keygate.gateway.audit.AuditEvent;
import io.keygate.hsm.CertificateProfile;
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
import io.keygate.proto.admin.v1.ListPrincipalsRequest;
import io.keygate.proto.admin.v1.Principal;
import io.keygate.proto.admin.v1.RemovePrincipalRequest;
import io.keygate.proto.admin.v1.RemoveSecurityOfficer;
import io.keygate.proto.admin.v1.RequestApprovalRequest;
import io.keygate.proto.admin.v1.Role;
import io.keygate.proto.admin.v1.WhoAmIRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every change to the set of security-officers (add, remove, demote, re-add) through the real
 * admin API (mutual TLS, SoftHSM2, H2), for one M: one officer changes the officers alone only
 * until M officers have existed; after that only M officers together, for good, and never below M
 * unless the approvers said so. Each test has a node of its own (fresh database and token), whose
 * only officer at the start is {@code admin.officer} ("alice", mapped by subject).
 */
abstract class OfficerChangesContract {
  private static final Calls.Refusal DUAL_CONTROL_REQUIRED =
      Calls.refusal(Status.Code.FAILED_PRECONDITION, "DualControlRequired");
  private static final Calls.Refusal ALREADY_APPROVED =
      Calls.refusal(Status.Code.FAILED_PRECONDITION, "AlreadyApproved");
  private static final Calls.Refusal TOO_FEW_OFFICERS =
      Calls.refusal(Status.Code.FAILED_PRECONDITION, "TooFewOfficers");
  private static final Calls.Refusal BELOW_QUORUM =
      Calls.refusal(Status.Code.FAILED_PRECONDITION, "BelowQuorum");
  private static final Calls.Refusal DENIED =
      Calls.refusal(Status.Code.PERMISSION_DENIED, "PermissionDenied");

  /** The tokens of the subclass, labelled {@code oc1}..{@code oc8}. */
  abstract SoftHsmTokens tokens();

  /** M. */
  abstract int required();

  // Each subclass has its own tokens; each test takes the next one.
  private static final java.util.Map<Class<?>, AtomicInteger> TOKEN =
      new java.util.concurrent.ConcurrentHashMap<>();
  AdminFixture admin;
  AdminServiceBlockingStub alice;

  @BeforeEach
  void start() throws Exception {
    admin = new AdminFixture(tokens()).withApprovals(required(), Duration.ofHours(1))
        .start("oc" + TOKEN.computeIfAbsent(getClass(), c -> new AtomicInteger()).incrementAndGet());
    alice = admin.as(admin.officer);
  }

  @AfterEach
  void stop() throws Exception {
    admin.close();
  }

  // ---- add ----

  @Test
  void add_oneOfficerAddsOfficersAloneOnlyUntilMExist_thenOnlyMOfficersTogether()
      throws Exception {
    List<TestAdminCa.Client> officers = enrolToM();

    TestAdminCa.Client next = admin.ca.issue("CN=officer-next,O=Keygate Admins");
    assertThat(Calls.status(() -> alice.addPrincipal(officerByFingerprint(next))))
        .isEqualTo(DUAL_CONTROL_REQUIRED);
    ApprovalRequest r = alice.requestApproval(add(next, "new colleague"));
    assertThat(Calls.status(() -> alice.approve(approve(r)))).isEqualTo(ALREADY_APPROVED);

    ApprovalRequest done = approveByOthers(r, officers);

    assertThat(done.getState()).isEqualTo(ApprovalState.APPROVAL_EXECUTED);
    assertThat(role(next)).isEqualTo(Role.SECURITY_OFFICER);
    assertThat(admin.audit.events()).extracting(AuditEvent::action)
        .containsSubsequence("principal.add", "principal.add", "principal.add-officer");
  }

  // ---- remove ----

  /**
   * The attack that was reproduced: with M officers, alice removed bob alone, which reopened the
   * bootstrap window; she added a second certificate of her own and approved her own
   * destroy-key. Every step that needs a second person must now fail, and it must stay so even if
   * bob is gone (the database as the old one-person removal left it).
   */
  @Test
  void theReportedAttack_failsAtEveryStepThatNeedsASecondPerson() throws Exception {
    List<TestAdminCa.Client> officers = enrolToM();
    TestAdminCa.Client bob = officers.get(1);
    TestAdminCa.Client aliceSpare = admin.ca.issue("CN=officer-1-spare,O=Keygate Admins");
    KeyLabel victim = KeyLabel.of("attack-victim");
    admin.hsm.generateEcKey(victim, CertificateProfile.localhost("victim", Duration.ofDays(1)));

    // 1. Removing bob alone.
    assertThat(Calls.status(() -> alice.removePrincipal(removeByFingerprint(bob))))
        .isEqualTo(DUAL_CONTROL_REQUIRED);
    assertThat(Calls.status(() -> alice.requestApproval(remove(bob, false))))
        .isEqualTo(BELOW_QUORUM);
    ApprovalRequest removal = alice.requestApproval(remove(bob, true));
    assertThat(Calls.status(() -> alice.approve(approve(removal)))).isEqualTo(ALREADY_APPROVED);
    assertThat(role(bob)).isEqualTo(Role.SECURITY_OFFICER);

    // 2. Adding a second identity of her own.
    assertThat(Calls.status(() -> alice.addPrincipal(officerByFingerprint(aliceSpare))))
        .isEqualTo(DUAL_CONTROL_REQUIRED);
    ApprovalRequest spare = alice.requestApproval(add(aliceSpare, "my laptop"));
    assertThat(Calls.status(() -> alice.approve(approve(spare)))).isEqualTo(ALREADY_APPROVED);
    assertThat(Calls.status(() -> admin.as(aliceSpare).approve(approve(spare))))
        .isEqualTo(DENIED);

    // 3. Approving her own destroy-key.
    ApprovalRequest destroy = alice.requestApproval(destroy(victim));
    assertThat(Calls.status(() -> alice.approve(approve(destroy)))).isEqualTo(ALREADY_APPROVED);
    assertThat(Calls.status(() -> admin.as(aliceSpare).approve(approve(destroy))))
        .isEqualTo(DENIED);
    assertThat(admin.hsm.describeKey(victim)).isPresent();

    // 4. Even with bob gone as the old one-person removal left it, the window stays closed.
    admin.principals.remove(bob.identity().sha256());
    assertThat(Calls.status(() -> alice.addPrincipal(officerByFingerprint(aliceSpare))))
        .isEqualTo(DUAL_CONTROL_REQUIRED);
    assertThat(Calls.status(() -> alice.requestApproval(add(aliceSpare, "again"))))
        .isEqualTo(TOO_FEW_OFFICERS);
    assertThat(Calls.status(() -> alice.requestApproval(destroy(victim))))
        .isEqualTo(TOO_FEW_OFFICERS);
    assertThat(Calls.status(() -> alice.approve(approve(destroy)))).isEqualTo(ALREADY_APPROVED);
    assertThat(Calls.status(() -> admin.as(aliceSpare).whoAmI(WhoAmIRequest.getDefaultInstance())))
        .isEqualTo(DENIED);
    assertThat(admin.hsm.describeKey(victim)).isPresent();
  }

  @Test
  void remove_withTheQuorum_whileMOfficersRemain() throws Exception {
    List<TestAdminCa.Client> officers = enrolToM();
    TestAdminCa.Client extra = admin.ca.issue("CN=officer-extra,O=Keygate Admins");
    approveByOthers(alice.requestApproval(add(extra, "one more")), officers);
    int mark = admin.audit.mark();

    ApprovalRequest r = alice.requestApproval(remove(extra, false));
    assertThat(r.getSummary()).isEqualTo(
        "remove security-officer sha256:" + extra.identity().sha256().value());
    ApprovalRequest done = approveByOthers(r, officers);

    assertThat(done.getState()).isEqualTo(ApprovalState.APPROVAL_EXECUTED);
    assertThat(Calls.status(() -> admin.as(extra).whoAmI(WhoAmIRequest.getDefaultInstance())))
        .isEqualTo(DENIED);
    assertThat(officerCount()).isEqualTo(required());
    assertThat(admin.audit.since(mark)).anySatisfy(e -> {
      assertThat(e.action()).isEqualTo("principal.remove-officer");
      assertThat(e.target()).isEqualTo("principal/sha256:" + extra.identity().sha256().value());
      assertThat(e.detail()).contains("removed officers=" + required());
    });
    // Exactly M remain: one more removal would leave fewer, which the request must say.
    assertThat(Calls.status(() -> alice.requestApproval(remove(officers.get(1), false))))
        .isEqualTo(BELOW_QUORUM);
  }

  @Test
  void remove_belowM_onlyWhenTheApproversSaySo_andTheWindowStaysClosed() throws Exception {
    List<TestAdminCa.Client> officers = enrolToM();
    TestAdminCa.Client leaving = officers.get(officers.size() - 1);

    ApprovalRequest r = alice.requestApproval(remove(leaving, true));
    assertThat(r.getSummary()).endsWith("even if fewer officers than approvals required remain");
    // The leaving officer's own approval counts: it still is an officer when the quorum is met.
    ApprovalRequest done = approveByOthers(r, officers);

    assertThat(done.getState()).isEqualTo(ApprovalState.APPROVAL_EXECUTED);
    assertThat(officerCount()).isEqualTo(required() - 1);
    assertThat(admin.audit.events()).anySatisfy(e -> {
      assertThat(e.action()).isEqualTo("principal.remove-officer");
      assertThat(e.detail()).contains("BELOW-M");
    });
    // Below M the quorum cannot be met, and one officer still may not add officers alone.
    assertThat(Calls.status(() -> alice.addPrincipal(officerByFingerprint(leaving))))
        .isEqualTo(DUAL_CONTROL_REQUIRED);
    assertThat(Calls.status(() -> alice.requestApproval(add(leaving, "come back"))))
        .isEqualTo(TOO_FEW_OFFICERS);
    assertThat(Calls.status(() -> alice.removePrincipal(RemovePrincipalRequest.newBuilder()
            .setSubject(subject(admin.officer)).build())))
        .isEqualTo(DUAL_CONTROL_REQUIRED);
  }

  @Test
  void remove_inTheBootstrapWindow_isOneOfficersJob_butNeverTheLastOfficer() throws Exception {
    assertThat(Calls.status(() -> alice.removePrincipal(RemovePrincipalRequest.newBuilder()
            .setSubject(subject(admin.officer)).build())))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "LastOfficer"));
    if (required() > 2) {
      // Fewer than M have ever existed: a mistaken enrolment is fixed by the one who made it.
      TestAdminCa.Client mistake = admin.ca.issue("CN=officer-typo,O=Keygate Admins");
      alice.addPrincipal(officerByFingerprint(mistake));
      alice.removePrincipal(removeByFingerprint(mistake));
      assertThat(officerCount()).isEqualTo(1);
    }
    assertThat(Calls.status(() -> alice.requestApproval(remove(admin.officer, true))))
        .isEqualTo(TOO_FEW_OFFICERS);
  }

  // ---- demote ----

  @Test
  void demote_isARemovalThroughTheQuorum_thenAnOrdinaryAdd() throws Exception {
    List<TestAdminCa.Client> officers = enrolToM();
    TestAdminCa.Client extra = admin.ca.issue("CN=officer-demoted,O=Keygate Admins");
    approveByOthers(alice.requestApproval(add(extra, "one more")), officers);
    AdminServiceBlockingStub bob = admin.as(officers.get(1));

    // Alone: neither a removal nor a second mapping with another role.
    assertThat(Calls.status(() -> bob.removePrincipal(removeByFingerprint(extra))))
        .isEqualTo(DUAL_CONTROL_REQUIRED);
    assertThat(Calls.status(() -> bob.addPrincipal(byFingerprint(extra, Role.AUDITOR))))
        .isEqualTo(Calls.refusal(Status.Code.ALREADY_EXISTS, "AlreadyExists"));
    // Alice is mapped by subject: a fingerprint row of her certificate as auditor is accepted
    // (the server cannot tell whose certificate a fingerprint is), but does not demote her.
    bob.addPrincipal(byFingerprint(admin.officer, Role.AUDITOR));
    assertThat(role(admin.officer)).isEqualTo(Role.SECURITY_OFFICER);
    assertThat(role(extra)).isEqualTo(Role.SECURITY_OFFICER);

    approveByOthers(alice.requestApproval(remove(extra, false)), officers);
    admin.as(officers.get(1)).addPrincipal(byFingerprint(extra, Role.AUDITOR));

    assertThat(role(extra)).isEqualTo(Role.AUDITOR);
    assertThat(officerCount()).isEqualTo(required());
  }

  // ---- re-add ----

  @Test
  void reAdd_ofARemovedOfficer_needsTheQuorumAgain() throws Exception {
    List<TestAdminCa.Client> officers = enrolToM();
    TestAdminCa.Client extra = admin.ca.issue("CN=officer-back,O=Keygate Admins");
    approveByOthers(alice.requestApproval(add(extra, "one more")), officers);
    approveByOthers(alice.requestApproval(remove(extra, false)), officers);

    assertThat(Calls.status(() -> alice.addPrincipal(officerByFingerprint(extra))))
        .isEqualTo(DUAL_CONTROL_REQUIRED);
    assertThat(Calls.status(() -> admin.as(extra).whoAmI(WhoAmIRequest.getDefaultInstance())))
        .isEqualTo(DENIED);
    ApprovalRequest back = approveByOthers(alice.requestApproval(add(extra, "back")), officers);

    assertThat(back.getState()).isEqualTo(ApprovalState.APPROVAL_EXECUTED);
    assertThat(role(extra)).isEqualTo(Role.SECURITY_OFFICER);
  }

  // ---- helpers ----

  /**
   * The bootstrap: alice adds officers alone until M exist (by fingerprint). Returns the M
   * officers, alice first.
   */
  List<TestAdminCa.Client> enrolToM() throws Exception {
    List<TestAdminCa.Client> officers = new ArrayList<>(List.of(admin.officer));
    for (int i = 2; i <= required(); i++) {
      TestAdminCa.Client o = admin.ca.issue("CN=officer-" + i + ",O=Keygate Admins");
      alice.addPrincipal(officerByFingerprint(o));
      officers.add(o);
    }
    assertThat(officerCount()).isEqualTo(required());
    return officers;
  }

  /** Approvals by officers.get(1), .get(2), … until the request is no longer pending. */
  ApprovalRequest approveByOthers(ApprovalRequest r, List<TestAdminCa.Client> officers) {
    ApprovalRequest last = r;
    for (int i = 1; i < officers.size() && last.getState() == ApprovalState.APPROVAL_PENDING;
        i++) {
      last = admin.as(officers.get(i)).approve(approve(r));
    }
    assertThat(last.getState()).isEqualTo(ApprovalState.APPROVAL_EXECUTED);
    return last;
  }

  int officerCount() {
    return (int) alice.listPrincipals(ListPrincipalsRequest.getDefaultInstance())
        .getPrincipalsList().stream()
        .filter(p -> p.getRole() == Role.SECURITY_OFFICER)
        .count();
  }

  Role role(TestAdminCa.Client client) {
    return admin.as(client).whoAmI(WhoAmIRequest.getDefaultInstance()).getRole();
  }

  static AddPrincipalRequest officerByFingerprint(TestAdminCa.Client c) {
    return byFingerprint(c, Role.SECURITY_OFFICER);
  }

  static AddPrincipalRequest byFingerprint(TestAdminCa.Client c, Role role) {
    return AddPrincipalRequest.newBuilder()
        .setPrincipal(Principal.newBuilder()
            .setCertificateSha256(sha(c)).setRole(role))
        .build();
  }

  static RemovePrincipalRequest removeByFingerprint(TestAdminCa.Client c) {
    return RemovePrincipalRequest.newBuilder()
        .setCertificateSha256(sha(c)).build();
  }

  static RequestApprovalRequest add(TestAdminCa.Client c, String reason) {
    return RequestApprovalRequest.newBuilder()
        .setOperation(DualControlOperation.newBuilder().setAddSecurityOfficer(
            AddSecurityOfficer.newBuilder().setCertificateSha256(sha(c))))
        .setReason(reason)
        .build();
  }

  /** Removes the officer as it is mapped: alice by subject, the others by fingerprint. */
  RequestApprovalRequest remove(TestAdminCa.Client c, boolean belowQuorum) {
    RemoveSecurityOfficer.Builder b = c == admin.officer
        ? RemoveSecurityOfficer.newBuilder().setSubject(subject(c))
        : RemoveSecurityOfficer.newBuilder().setCertificateSha256(sha(c));
    return RequestApprovalRequest.newBuilder()
        .setOperation(DualControlOperation.newBuilder()
            .setRemoveSecurityOfficer(b.setAllowBelowQuorum(belowQuorum)))
        .setReason("leaves the team")
        .build();
  }

  static RequestApprovalRequest destroy(KeyLabel label) {
    return RequestApprovalRequest.newBuilder()
        .setOperation(DualControlOperation.newBuilder()
            .setDestroyKey(DestroyKey.newBuilder().setLabel(label.value())))
        .setReason("no longer needed")
        .build();
  }

  static String sha(TestAdminCa.Client c) {
    try {
      return c.identity().sha256().value();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String subject(TestAdminCa.Client c) {
    try {
      return c.identity().subject().value();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static ApproveRequest approve(ApprovalRequest r) {
    return ApproveRequest.newBuilder().setId(r.getId()).build();
  }
}
