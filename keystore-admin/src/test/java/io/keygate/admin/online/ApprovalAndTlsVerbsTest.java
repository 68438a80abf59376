package io.keygate.admin.online;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.testing.CliRunner;
import io.keygate.admin.testing.CliRunner.Result;
import io.keygate.admin.testing.FakeAdminService;
import io.keygate.admin.testing.FakeApprovals;
import io.keygate.admin.testing.FakeTlsKeys;
import io.keygate.proto.admin.v1.ActivateTlsKey;
import io.keygate.proto.admin.v1.ApprovalRequest;
import io.keygate.proto.admin.v1.ApproveRequest;
import io.keygate.proto.admin.v1.DualControlOperation;
import io.keygate.proto.admin.v1.DualControlOperation.OperationCase;
import io.keygate.proto.admin.v1.InstallTlsCertificateRequest;
import io.keygate.proto.admin.v1.ListApprovalsRequest;
import io.keygate.proto.admin.v1.PrepareTlsKeyRequest;
import io.keygate.proto.admin.v1.RejectApprovalRequest;
import io.keygate.proto.admin.v1.RequestApprovalRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code approval request|approve|reject|list} and {@code tls prepare|install-cert|list} against
 * the in-process fake admin API: what they send, what they print, and their exit codes.
 */
class ApprovalAndTlsVerbsTest {
  private static final String FIRST = FakeApprovals.id(1);
  private static final String SECOND = FakeApprovals.id(2);

  @TempDir Path tmp;
  private final FakeAdminService fake = new FakeAdminService();
  private Server server;
  private CliEnvironment env;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(fake).build().start();
    env =
        CliRunner.environment(Map.of("KEYGATE_ADMIN_SERVER", "admin.example:8444"))
            .withAdminChannels(
                e -> InProcessChannelBuilder.forName(name).directExecutor().build());
  }

  @AfterEach
  void stop() {
    server.shutdownNow();
  }

  private Result admin(String... args) {
    return CliRunner.run(env, args).assertNoStackTrace();
  }

  private static JsonObject json(Result r) {
    return JsonParser.parseString(r.out()).getAsJsonObject();
  }

  private Result requestDestroy(String label) {
    return admin("approval", "request", "destroy-key", "--label", label, "--reason", "ticket 42");
  }

  // ---- approval request ----

  @Test
  void requestDestroyKey_sendsLabelAndReason_andSaysWhoApprovesNext() {
    Result r = requestDestroy("cred.AKOLD");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    RequestApprovalRequest sent = (RequestApprovalRequest) fake.lastRequest();
    assertThat(sent.getOperation().getDestroyKey().getLabel()).isEqualTo("cred.AKOLD");
    assertThat(sent.getReason()).isEqualTo("ticket 42");
    assertThat(r.out())
        .startsWith(
            "request "
                + FIRST
                + " pending: 1 of 2 approvals; another security-officer runs:"
                + " keystore-admin approval approve "
                + FIRST
                + "\n")
        .contains("  operation   destroy HSM key cred.AKOLD\n")
        .contains("  reason      ticket 42\n")
        .contains("  requested   by O=Keygate Admins,CN=alice at 2027-01-15T08:00:00Z\n")
        .contains("  approved by O=Keygate Admins,CN=alice\n")
        .contains("  expires     2027-01-16T08:00:00Z\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void requestDestroyKek_sendsTheKekId_andShowsItInJson() {
    Result r =
        admin(
            "--output", "json", "approval", "request", "destroy-kek", "--kek", "kek-2026",
            "--reason", "rotation done, remaining=0");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    RequestApprovalRequest sent = (RequestApprovalRequest) fake.lastRequest();
    assertThat(sent.getOperation().getOperationCase()).isEqualTo(OperationCase.DESTROY_KEK);
    assertThat(sent.getOperation().getDestroyKek().getKekId()).isEqualTo("kek-2026");
    JsonObject j = json(r);
    assertThat(j.getAsJsonObject("operation").get("kind").getAsString()).isEqualTo("destroy-kek");
    assertThat(j.getAsJsonObject("operation").get("kekId").getAsString()).isEqualTo("kek-2026");
    assertThat(j.get("summary").getAsString()).startsWith("destroy KEK kek-2026");
  }

  @Test
  void requestDestroyKek_refusedByTheGateway_exits5WithItsCode() {
    fake.failWith(FakeApprovals.error(Status.FAILED_PRECONDITION, "KekInUse",
        "credentials are still wrapped under this KEK"));

    Result r = admin("approval", "request", "destroy-kek", "--kek", "kek-2026", "--reason", "r");

    assertThat(r.exitCode()).isEqualTo(5);
    assertThat(r.err()).contains("FAILED_PRECONDITION KekInUse");
  }

  @Test
  void requestRevokeTenantCredentials_asJson_isOneDocumentWithTheCounts() {
    Result r =
        admin(
            "--output", "json", "approval", "request", "revoke-tenant-credentials",
            "--tenant", "acme", "--reason", "tenant offboarded");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    RequestApprovalRequest sent = (RequestApprovalRequest) fake.lastRequest();
    assertThat(sent.getOperation().getRevokeTenantCredentials().getTenantId()).isEqualTo("acme");
    JsonObject j = json(r);
    assertThat(j.get("id").getAsString()).isEqualTo(FIRST);
    assertThat(j.get("state").getAsString()).isEqualTo("pending");
    assertThat(j.get("summary").getAsString()).isEqualTo("revoke every credential of tenant acme");
    assertThat(j.getAsJsonObject("operation").get("kind").getAsString())
        .isEqualTo("revoke-tenant-credentials");
    assertThat(j.getAsJsonObject("operation").get("tenantId").getAsString()).isEqualTo("acme");
    assertThat(j.get("requiredApprovals").getAsInt()).isEqualTo(2);
    assertThat(j.getAsJsonArray("approvals")).hasSize(1);
    assertThat(j.get("expiresAt").getAsString()).isEqualTo("2027-01-16T08:00:00Z");
    assertThat(j.get("outcome").isJsonNull()).isTrue();
    assertThat(j.get("decidedAt").isJsonNull()).isTrue();
  }

  @Test
  void requestActivateTlsKey_defaultsToIngress_andAcceptsAdmin() {
    Result r =
        admin(
            "approval", "request", "activate-tls-key", "--label", "gateway-tls-2",
            "--reason", "rotation");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    RequestApprovalRequest sent = (RequestApprovalRequest) fake.lastRequest();
    assertThat(sent.getOperation().getOperationCase()).isEqualTo(OperationCase.ACTIVATE_TLS_KEY);
    assertThat(sent.getOperation().getActivateTlsKey().getListener()).isEqualTo("ingress");
    assertThat(sent.getOperation().getActivateTlsKey().getLabel()).isEqualTo("gateway-tls-2");
    assertThat(r.out()).contains("serve TLS key gateway-tls-2 on the ingress listener");

    Result admin =
        admin(
            "--output", "json", "approval", "request", "activate-tls-key", "--label", "admin-tls",
            "--listener", "ADMIN", "--reason", "rotation");
    assertThat(admin.exitCode()).as(admin.toString()).isZero();
    sent = (RequestApprovalRequest) fake.lastRequest();
    assertThat(sent.getOperation().getActivateTlsKey().getListener()).isEqualTo("admin");
    JsonObject op = json(admin).getAsJsonObject("operation");
    assertThat(op.get("kind").getAsString()).isEqualTo("activate-tls-key");
    assertThat(op.get("listener").getAsString()).isEqualTo("admin");
    assertThat(op.get("label").getAsString()).isEqualTo("admin-tls");
  }

  @Test
  void requestActivateTlsKey_showsTheCertificateTheServerPinned_inTextAndJson() {
    String pinned = "ef".repeat(32);
    Result text =
        admin(
            "approval", "request", "activate-tls-key", "--label", "gateway-tls-2",
            "--reason", "rotation");

    assertThat(text.exitCode()).as(text.toString()).isZero();
    RequestApprovalRequest sent = (RequestApprovalRequest) fake.lastRequest();
    assertThat(sent.getOperation().getActivateTlsKey().getCertificateSha256())
        .as("output only: the server pins it")
        .isEmpty();
    assertThat(text.out())
        .contains(
            "  operation   serve TLS key gateway-tls-2 on the ingress listener (certificate sha256 "
                + pinned
                + ")\n");

    Result json =
        admin(
            "--output", "json", "approval", "request", "activate-tls-key", "--label",
            "gateway-tls-2", "--reason", "rotation");
    assertThat(json(json).getAsJsonObject("operation").get("certificateSha256").getAsString())
        .isEqualTo(pinned);
  }

  @Test
  void report_ofATlsKey_namesThePinnedCertificate_evenWhenTheSummaryDoesNot() {
    ApprovalRequest r =
        ApprovalRequest.newBuilder()
            .setId(FIRST)
            .setSummary("serve TLS key k on the admin listener")
            .setOperation(
                DualControlOperation.newBuilder()
                    .setActivateTlsKey(
                        ActivateTlsKey.newBuilder()
                            .setListener("admin")
                            .setLabel("k")
                            .setCertificateSha256("12".repeat(32))))
            .build();

    assertThat(ApprovalReport.text(r))
        .contains(
            "  operation   serve TLS key k on the admin listener (certificate sha256 "
                + "12".repeat(32)
                + ")\n");
  }

  @Test
  void requestAddOfficer_ofACertificateFile_sendsItsFingerprint_andApprovingAddsTheOfficer()
      throws Exception {
    Path cert = tmp.resolve("dave.pem");
    Files.writeString(cert, TestCertificates.selfSignedPem("CN=dave"));
    String sha256 = TestCertificates.sha256Hex(cert);

    Result r =
        admin(
            "approval", "request", "add-officer", "--of-cert", cert.toString(),
            "--reason", "dave joins the key custodians, ticket 77");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    RequestApprovalRequest sent = (RequestApprovalRequest) fake.lastRequest();
    assertThat(sent.getOperation().getOperationCase())
        .isEqualTo(OperationCase.ADD_SECURITY_OFFICER);
    assertThat(sent.getOperation().getAddSecurityOfficer().getCertificateSha256())
        .isEqualTo(sha256);
    assertThat(sent.getReason()).isEqualTo("dave joins the key custodians, ticket 77");
    assertThat(r.out())
        .startsWith(
            "request " + FIRST + " pending: 1 of 2 approvals; another security-officer runs:"
                + " keystore-admin approval approve " + FIRST + "\n")
        .contains("  operation   make sha256:" + sha256 + " a security-officer\n")
        .contains("  reason      dave joins the key custodians, ticket 77\n");

    Result approved = admin("approval", "approve", FIRST);
    assertThat(approved.exitCode()).as(approved.toString()).isZero();
    assertThat(approved.out())
        .startsWith(
            "request " + FIRST + " executed (2 of 2 approvals): make sha256:" + sha256
                + " a security-officer.\n");
  }

  @Test
  void requestAddOfficer_subjectOfACertificate_asJson_isTheDnAsTheServerReadsIt()
      throws Exception {
    Path cert =
        Files.writeString(
            tmp.resolve("carol.pem"), TestCertificates.selfSignedPem("CN=carol,O=Keygate Admins"));

    Result r =
        admin(
            "--output", "json", "approval", "request", "add-officer",
            "--subject-of-cert", cert.toString(), "--reason", "new officer");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    RequestApprovalRequest sent = (RequestApprovalRequest) fake.lastRequest();
    assertThat(sent.getOperation().getAddSecurityOfficer().getSubject())
        .isEqualTo("O=Keygate Admins,CN=carol");
    JsonObject j = json(r);
    assertThat(j.get("summary").getAsString())
        .isEqualTo("make subject:O=Keygate Admins,CN=carol a security-officer");
    JsonObject op = j.getAsJsonObject("operation");
    assertThat(op.keySet()).containsExactly("kind", "subject", "certificateSha256");
    assertThat(op.get("kind").getAsString()).isEqualTo("add-officer");
    assertThat(op.get("subject").getAsString()).isEqualTo("O=Keygate Admins,CN=carol");
    assertThat(op.get("certificateSha256").isJsonNull()).isTrue();
  }

  @Test
  void requestRemoveOfficer_sendsTheIdentityAndWhetherBelowQuorumIsAccepted_asJsonToo() {
    String sha256 = "ab".repeat(32);
    Result r =
        admin(
            "--output", "json", "approval", "request", "remove-officer", "--sha256", sha256,
            "--allow-below-quorum", "--reason", "bob leaves, ticket 78");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    RequestApprovalRequest sent = (RequestApprovalRequest) fake.lastRequest();
    assertThat(sent.getOperation().getOperationCase())
        .isEqualTo(OperationCase.REMOVE_SECURITY_OFFICER);
    assertThat(sent.getOperation().getRemoveSecurityOfficer().getCertificateSha256())
        .isEqualTo(sha256);
    assertThat(sent.getOperation().getRemoveSecurityOfficer().getAllowBelowQuorum()).isTrue();
    JsonObject op = json(r).getAsJsonObject("operation");
    assertThat(op.get("kind").getAsString()).isEqualTo("remove-officer");
    assertThat(op.get("certificateSha256").getAsString()).isEqualTo(sha256);
    assertThat(op.get("allowBelowQuorum").getAsBoolean()).isTrue();

    Result plain = admin("approval", "request", "remove-officer", "--subject", "CN=bob",
        "--reason", "r");
    assertThat(plain.exitCode()).as(plain.toString()).isZero();
    RequestApprovalRequest second = (RequestApprovalRequest) fake.lastRequest();
    assertThat(second.getOperation().getRemoveSecurityOfficer().getSubject()).isEqualTo("CN=bob");
    assertThat(second.getOperation().getRemoveSecurityOfficer().getAllowBelowQuorum()).isFalse();
    assertThat(plain.out()).contains("  operation   remove security-officer subject:CN=bob\n");
  }

  @Test
  void requestAddOfficer_withATypedIdentity_sendsItAsGiven() {
    Result bySubject =
        admin(
            "approval", "request", "add-officer", "--subject", "CN=erin,O=Keygate Admins",
            "--reason", "r");
    assertThat(bySubject.exitCode()).as(bySubject.toString()).isZero();
    assertThat(
            ((RequestApprovalRequest) fake.lastRequest())
                .getOperation()
                .getAddSecurityOfficer()
                .getSubject())
        .isEqualTo("CN=erin,O=Keygate Admins");

    Result bySha256 =
        admin(
            "--output", "json", "approval", "request", "add-officer", "--sha256",
            "AB".repeat(32), "--reason", "r");
    assertThat(bySha256.exitCode()).as(bySha256.toString()).isZero();
    assertThat(
            ((RequestApprovalRequest) fake.lastRequest())
                .getOperation()
                .getAddSecurityOfficer()
                .getCertificateSha256())
        .isEqualTo("AB".repeat(32));
    JsonObject op = json(bySha256).getAsJsonObject("operation");
    assertThat(op.get("certificateSha256").getAsString()).isEqualTo("AB".repeat(32));
    assertThat(op.get("subject").isJsonNull()).isTrue();
  }

  @Test
  void requestAddOfficer_needsExactlyOneIdentity_andAReason() {
    Result none = admin("approval", "request", "add-officer", "--reason", "r");
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err())
        .contains("Missing required argument")
        .contains("--subject=DN")
        .contains("--of-cert=FILE");

    Result two =
        admin(
            "approval", "request", "add-officer", "--subject", "CN=bob", "--sha256",
            "ab".repeat(32), "--reason", "r");
    assertThat(two.exitCode()).isEqualTo(2);
    assertThat(two.err()).contains("mutually exclusive");

    Result noReason = admin("approval", "request", "add-officer", "--subject", "CN=bob");
    assertThat(noReason.exitCode()).isEqualTo(2);
    assertThat(noReason.err()).contains("Missing required option: '--reason=TEXT'");
    assertThat(fake.requests).isEmpty();
  }

  @Test
  void requestAddOfficer_ofAMissingCertificateFile_isAUsageError_beforeAnyCall() {
    Path missing = tmp.resolve("nope.pem");

    Result r =
        admin(
            "approval", "request", "add-officer", "--of-cert", missing.toString(),
            "--reason", "r");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("keystore-admin: no such file: " + missing + "\n");
    assertThat(fake.requests).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "approval request destroy-key --label k",
        "approval request revoke-tenant-credentials --tenant acme",
        "approval request activate-tls-key --label k",
        "approval request activate-tls-key --label k --listener backend --reason r",
        "approval request destroy-key --label has/slash --reason r",
        "approval request destroy-key --reason r",
        "approval request add-officer --reason r",
        "approval request destroy-kek --reason r",
        "approval request destroy-kek --kek Kek/2026 --reason r",
        "approval request add-officer --subject CN=bob --of-cert bob.pem --reason r",
        "approval request add-officer --subject-of-cert bob.pem",
        "approval request",
        "approval approve",
        "approval list --pending",
        "tls prepare --dns gw.example.com",
        "tls install-cert --label k",
      })
  void usageErrors_exit2_beforeAnyCall(String line) {
    Result r = admin(line.split(" "));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).isNotBlank();
    assertThat(r.out()).isEmpty();
    assertThat(fake.requests).isEmpty();
  }

  @Test
  void request_withoutReason_namesTheOption() {
    Result r = admin("approval", "request", "destroy-key", "--label", "k");
    assertThat(r.err()).contains("Missing required option: '--reason=TEXT'");
  }

  @Test
  void request_withABlankReason_isAUsageError_beforeAnyCall() {
    Result r = admin("approval", "request", "destroy-key", "--label", "k", "--reason", " ");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo(
        "keystore-admin: --reason must not be empty: say why, for the approvers\n");
    assertThat(fake.requests).isEmpty();
  }

  @Test
  void request_refusedByTheServer_isAConflict_withTheErrorCode() {
    fake.failWith(
        FakeApprovals.error(Status.FAILED_PRECONDITION, "KeyInUse", "the key is in use"));

    Result r = requestDestroy("gateway-tls");

    assertThat(r.exitCode()).isEqualTo(5);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            "keystore-admin: admin server: FAILED_PRECONDITION KeyInUse: the key is in use"
                + " (request id req-7)\n");
  }

  @Test
  void principalAddOfficer_onceDualControlIsRequired_isAConflict_namingTheErrorCode() {
    fake.approvals.officersNeedDualControl = true;

    Result r = admin("principal", "add", "--subject", "CN=bob", "--role", "security-officer");

    assertThat(r.exitCode()).isEqualTo(5);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            "keystore-admin: admin server: FAILED_PRECONDITION DualControlRequired: adding a"
                + " security-officer needs the approval of other officers now: request it"
                + " through dual control (request id req-7)\n");

    Result auditor = admin("principal", "add", "--subject", "CN=bob", "--role", "auditor");
    assertThat(auditor.exitCode()).as("other roles are added alone").isZero();
  }

  // ---- approval approve ----

  @Test
  void approve_reachingTheCount_executes_andExitsZero() {
    requestDestroy("cred.AKOLD");

    Result r = admin("approval", "approve", FIRST);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(((ApproveRequest) fake.lastRequest()).getId()).isEqualTo(FIRST);
    assertThat(r.out())
        .startsWith(
            "request " + FIRST + " executed (2 of 2 approvals): destroy HSM key cred.AKOLD.\n")
        .contains("  approved by O=Keygate Admins,CN=alice; O=Keygate Admins,CN=bob\n")
        .contains("  decided     2027-01-15T08:01:00Z\n")
        .doesNotContain("expires");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void approve_whenMoreApprovalsAreNeeded_staysPending_sayingHowManyMore() {
    fake.approvals.requiredApprovals = 4;
    requestDestroy("cred.AKOLD");

    Result second = admin("approval", "approve", FIRST);
    assertThat(second.exitCode()).as(second.toString()).isZero();
    assertThat(second.out())
        .startsWith(
            "request " + FIRST + " pending: 2 of 4 approvals; 2 more security-officers each run:"
                + " keystore-admin approval approve " + FIRST + "\n");

    Result third = admin("--output", "json", "approval", "approve", FIRST);
    assertThat(third.exitCode()).as(third.toString()).isZero();
    assertThat(json(third).get("state").getAsString()).isEqualTo("pending");
    assertThat(json(third).getAsJsonArray("approvals")).hasSize(3);
    assertThat(admin("approval", "approve", FIRST).out()).contains("executed (4 of 4 approvals)");
  }

  @Test
  void approve_whenTheOperationFails_printsTheErrorCode_andExits5() {
    requestDestroy(FakeApprovals.FAILING_LABEL);

    Result r = admin("approval", "approve", FIRST);

    assertThat(r.exitCode()).isEqualTo(5);
    assertThat(r.out())
        .startsWith(
            "request " + FIRST + " failed: approved (2 of 2 approvals), but the operation failed"
                + " with KeyInUse.\n");
    assertThat(r.err())
        .isEqualTo(
            "keystore-admin: request " + FIRST + " was approved, but the operation failed:"
                + " KeyInUse (destroy HSM key fail-me)\n");
  }

  @Test
  void approve_whenTheOperationFails_asJson_isOneDocument_andStillExits5() {
    requestDestroy(FakeApprovals.FAILING_LABEL);

    Result r = admin("approval", "approve", FIRST, "--output", "json");

    assertThat(r.exitCode()).isEqualTo(5);
    JsonObject j = json(r);
    assertThat(j.get("state").getAsString()).isEqualTo("failed");
    assertThat(j.get("outcome").getAsString()).isEqualTo("KeyInUse");
    assertThat(j.get("decidedAt").getAsString()).isEqualTo("2027-01-15T08:01:00Z");
    assertThat(r.err()).contains("KeyInUse");
  }

  @Test
  void approve_thatLeavesItRunning_exits5_sayingItHasNotFinished() {
    fake.approvals.neverFinish = true;
    requestDestroy("cred.AKOLD");

    Result r = admin("approval", "approve", FIRST);

    assertThat(r.exitCode()).isEqualTo(5);
    assertThat(r.out()).startsWith("request " + FIRST + " running (2 of 2 approvals): ");
    assertThat(r.err())
        .isEqualTo(
            "keystore-admin: request " + FIRST + " has not finished: it is running (see 'approval"
                + " list --all') (destroy HSM key cred.AKOLD)\n");
  }

  @Test
  void approve_anUnknownId_isNotFound_exit5() {
    Result r = admin("approval", "approve", "no-such-request");

    assertThat(r.exitCode()).isEqualTo(5);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            "keystore-admin: admin server: NOT_FOUND ApprovalNotFound: no such approval request"
                + " (request id req-7)\n");
  }

  @Test
  void approve_aClosedRequest_isAConflict_exit5() {
    requestDestroy("cred.AKOLD");
    admin("approval", "approve", FIRST);

    Result again = admin("approval", "approve", FIRST);

    assertThat(again.exitCode()).isEqualTo(5);
    assertThat(again.err()).contains("FAILED_PRECONDITION ApprovalClosed");
  }

  // ---- approval reject ----

  @Test
  void reject_endsTheRequest_sayingWho() {
    requestDestroy("cred.AKOLD");

    Result r = admin("approval", "reject", FIRST);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(((RejectApprovalRequest) fake.lastRequest()).getId()).isEqualTo(FIRST);
    assertThat(r.out())
        .startsWith(
            "request "
                + FIRST
                + " rejected, nothing was run: rejected by O=Keygate Admins,CN=bob.\n");

    Result unknown = admin("--output", "json", "approval", "reject", SECOND);
    assertThat(unknown.exitCode()).isEqualTo(5);
    assertThat(unknown.out()).isEmpty();
  }

  @Test
  void reject_asJson() {
    requestDestroy("cred.AKOLD");

    Result r = admin("--output", "json", "approval", "reject", FIRST);

    assertThat(json(r).get("state").getAsString()).isEqualTo("rejected");
    assertThat(json(r).get("outcome").getAsString())
        .isEqualTo("rejected by O=Keygate Admins,CN=bob");
  }

  // ---- approval list ----

  @Test
  void list_showsPendingOnly_andWithAllAlsoTheEndedOnes() {
    requestDestroy("cred.AKOLD");
    admin("approval", "reject", FIRST);
    requestDestroy("cred.AKOTHER");

    Result pending = admin("approval", "list");
    assertThat(pending.exitCode()).as(pending.toString()).isZero();
    assertThat(((ListApprovalsRequest) fake.lastRequest()).getIncludeClosed()).isFalse();
    assertThat(pending.out().lines().findFirst().orElseThrow())
        .matches("ID\\s+STATE\\s+SUMMARY\\s+REQUESTED BY\\s+APPROVALS\\s+EXPIRES\\s+OUTCOME");
    assertThat(pending.out())
        .containsPattern(
            "(?m)^" + SECOND + "\\s+pending\\s+destroy HSM key cred.AKOTHER\\s+"
                + "O=Keygate Admins,CN=alice\\s+1/2\\s+2027-01-16T08:00:00Z\\s+-$")
        .doesNotContain(FIRST);

    Result all = admin("approval", "list", "--all");
    assertThat(((ListApprovalsRequest) fake.lastRequest()).getIncludeClosed()).isTrue();
    assertThat(all.out().lines()).hasSize(3);
    assertThat(all.out())
        .containsPattern("(?m)^" + FIRST + "\\s+rejected\\s+.*O=Keygate Admins,CN=bob$");
    assertThat(all.out().indexOf(SECOND)).as("newest first").isLessThan(all.out().indexOf(FIRST));
  }

  @Test
  void list_asJson_andWhenEmpty() {
    assertThat(admin("approval", "list").out())
        .isEqualTo("No pending approval requests (--all also lists ended ones).\n");
    requestDestroy("cred.AKOLD");

    JsonArray requests =
        json(admin("--output", "json", "approval", "list")).getAsJsonArray("requests");

    assertThat(requests).hasSize(1);
    JsonObject first = requests.get(0).getAsJsonObject();
    assertThat(first.get("id").getAsString()).isEqualTo(FIRST);
    assertThat(first.get("requestedBy").getAsString()).isEqualTo(FakeApprovals.REQUESTER);
    assertThat(first.getAsJsonArray("approvals").get(0).getAsJsonObject().get("approvedAt")
        .getAsString()).isEqualTo("2027-01-15T08:00:00Z");
  }

  // ---- tls prepare ----

  @Test
  void tlsPrepare_sendsTheSubject_printsTheCsr_andWhatToDoNext() {
    Result r =
        admin(
            "tls", "prepare", "--cn", "gw.example.com", "--dns", "gw.example.com,gw2.example.com",
            "--ip", "10.0.0.5", "--days", "30");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    PrepareTlsKeyRequest sent = (PrepareTlsKeyRequest) fake.lastRequest();
    assertThat(sent.getLabel()).as("the gateway picks the label").isEmpty();
    assertThat(sent.getCommonName()).isEqualTo("gw.example.com");
    assertThat(sent.getDnsNamesList()).containsExactly("gw.example.com", "gw2.example.com");
    assertThat(sent.getIpAddressesList()).containsExactly("10.0.0.5");
    assertThat(sent.getValidityDays()).isEqualTo(30);
    String label = FakeTlsKeys.DEFAULT_LABEL;
    assertThat(r.out())
        .startsWith("Prepared TLS key '" + label + "' (EC P-256) in the gateway's HSM")
        .contains("  subject    SERIALNUMBER=" + label + ",CN=gw.example.com\n")
        .contains("  sha256     " + "ef".repeat(32) + "\n")
        .contains("  valid      2027-01-15T08:00:00Z .. 2027-02-14T08:00:00Z\n")
        .contains("  served by  nothing yet\n")
        .contains(FakeTlsKeys.CSR_PEM)
        .contains("keystore-admin tls install-cert --label " + label + " --chain CHAIN.pem")
        .contains("keystore-admin approval request activate-tls-key --label " + label);
  }

  @Test
  void tlsPrepare_withCsrOut_writesTheFile_andJsonNamesIt() throws Exception {
    Path csr = tmp.resolve("gw.csr");

    Result r =
        admin(
            "--output", "json", "tls", "prepare", "--label", "gateway-tls-3", "--cn", "gw",
            "--ip", "10.0.0.5", "--csr-out", csr.toString());

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(Files.readString(csr)).isEqualTo(FakeTlsKeys.CSR_PEM);
    assertThat(((PrepareTlsKeyRequest) fake.lastRequest()).getValidityDays())
        .as("unset: the gateway's default")
        .isZero();
    JsonObject j = json(r);
    assertThat(j.get("label").getAsString()).isEqualTo("gateway-tls-3");
    assertThat(j.get("csrFile").getAsString()).isEqualTo(csr.toString());
    assertThat(j.has("csrPem")).isFalse();
    assertThat(j.getAsJsonArray("servedBy")).isEmpty();
    assertThat(j.get("certificateSha256").getAsString()).isEqualTo("ef".repeat(32));
    assertThat(j.get("notAfter").getAsString()).isEqualTo("2027-04-15T08:00:00Z");
  }

  @Test
  void tlsPrepare_withCsrOut_inTextMode_saysWhereItIs() throws Exception {
    Path csr = tmp.resolve("gw.csr");

    Result r = admin("tls", "prepare", "--cn", "gw", "--dns", "gw", "--csr-out", csr.toString());

    assertThat(r.out()).contains("CSR written to " + csr + "\n").doesNotContain("BEGIN");
  }

  @Test
  void tlsPrepare_withAnExistingCsrOut_refusesBeforeCallingTheServer() throws Exception {
    Path taken = Files.writeString(tmp.resolve("taken.csr"), "mine");

    Result r = admin("tls", "prepare", "--cn", "gw", "--dns", "gw", "--csr-out", taken.toString());

    assertThat(r.exitCode()).isEqualTo(5);
    assertThat(r.err())
        .isEqualTo("keystore-admin: file exists, not overwriting it: " + taken + "\n");
    assertThat(fake.requests).as("no key was generated whose CSR would be lost").isEmpty();
    assertThat(Files.readString(taken)).isEqualTo("mine");
  }

  @Test
  void tlsPrepare_checksNamesAndDays_beforeCallingTheServer() {
    Result noName = admin("tls", "prepare", "--cn", "gw");
    assertThat(noName.exitCode()).isEqualTo(2);
    assertThat(noName.err()).contains("--dns or --ip");

    Result badIp = admin("tls", "prepare", "--cn", "gw", "--ip", "10.0.0.300");
    assertThat(badIp.exitCode()).isEqualTo(2);
    assertThat(badIp.err()).contains("--ip 10.0.0.300");

    Result zeroDays = admin("tls", "prepare", "--cn", "gw", "--dns", "gw", "--days", "0");
    assertThat(zeroDays.exitCode()).isEqualTo(2);
    assertThat(zeroDays.err()).contains("--days must be positive");
    assertThat(fake.requests).isEmpty();
  }

  // ---- tls install-cert ----

  @Test
  void tlsInstallCert_sendsTheChainAsPem() throws Exception {
    Path chain = tmp.resolve("chain.pem");
    Files.writeString(
        chain,
        "Bag Attributes: from openssl\n"
            + TestCertificates.selfSignedPem("CN=gw.example.com")
            + TestCertificates.selfSignedPem("CN=Example CA"));

    Result r =
        admin("tls", "install-cert", "--label", "gateway-tls-3", "--chain", chain.toString());

    assertThat(r.exitCode()).as(r.toString()).isZero();
    InstallTlsCertificateRequest sent = (InstallTlsCertificateRequest) fake.lastRequest();
    assertThat(sent.getLabel()).isEqualTo("gateway-tls-3");
    assertThat(sent.getCertificateChainPem()).startsWith("-----BEGIN CERTIFICATE-----\n");
    var certs =
        CertificateFactory.getInstance("X.509")
            .generateCertificates(
                new java.io.ByteArrayInputStream(sent.getCertificateChainPem().getBytes()));
    assertThat(certs).hasSize(2);
    assertThat(r.out())
        .startsWith("Installed a chain of 2 certificate(s) on TLS key 'gateway-tls-3':\n")
        .contains("  issuer     CN=Example CA\n")
        .contains("keystore-admin approval request activate-tls-key --label gateway-tls-3");

    Result json =
        admin(
            "--output", "json", "tls", "install-cert", "--label", "k", "--chain", chain.toString());
    assertThat(json(json).get("issuer").getAsString()).isEqualTo("CN=Example CA");
  }

  @Test
  void tlsInstallCert_withAMissingOrEmptyFile_isAUsageError_beforeAnyCall() throws Exception {
    Result missing =
        admin("tls", "install-cert", "--label", "k", "--chain", tmp.resolve("nope.pem").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("no such file");

    Path empty = Files.writeString(tmp.resolve("empty.pem"), "");
    Result none = admin("tls", "install-cert", "--label", "k", "--chain", empty.toString());
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("no certificate in " + empty);
    assertThat(fake.requests).isEmpty();
  }

  @Test
  void tlsInstallCert_onAServedKey_isAConflict() throws Exception {
    Path chain = Files.writeString(tmp.resolve("c.pem"), TestCertificates.selfSignedPem("CN=gw"));
    fake.failWith(
        FakeApprovals.error(
            Status.FAILED_PRECONDITION, "TlsKeyServed", "the key is being served"));

    Result r = admin("tls", "install-cert", "--label", "gateway-tls", "--chain", chain.toString());

    assertThat(r.exitCode()).isEqualTo(5);
    assertThat(r.err()).contains("FAILED_PRECONDITION TlsKeyServed");
  }

  // ---- tls list ----

  @Test
  void tlsList_showsWhichListenerServesWhichKey() {
    Result r = admin("tls", "list");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out().lines()).hasSize(3);
    assertThat(r.out().lines().findFirst().orElseThrow())
        .matches("LABEL\\s+SERVED BY\\s+SUBJECT\\s+NOT AFTER\\s+SHA256");
    assertThat(r.out())
        .containsPattern(
            "(?m)^gateway-tls\\s+ingress,admin\\s+SERIALNUMBER=gateway-tls,CN=gw.example.com\\s+"
                + "2027-04-15T08:00:00Z\\s+" + "ef".repeat(32) + "$")
        .containsPattern("(?m)^gateway-tls-2\\s+-\\s+SERIALNUMBER=gateway-tls-2");
  }

  @Test
  void tlsList_asJson() {
    JsonArray keys = json(admin("--output", "json", "tls", "list")).getAsJsonArray("keys");

    assertThat(keys).hasSize(2);
    JsonObject served = keys.get(0).getAsJsonObject();
    assertThat(served.keySet())
        .containsExactly(
            "label", "servedBy", "subject", "issuer", "notBefore", "notAfter",
            "certificateSha256", "certificateChainPem");
    assertThat(served.getAsJsonArray("servedBy")).hasSize(2);
    assertThat(keys.get(1).getAsJsonObject().getAsJsonArray("servedBy")).isEmpty();
  }

  @Test
  void tlsList_deniedByTheServer_isPermissionDenied() {
    fake.failWith(
        FakeApprovals.error(Status.PERMISSION_DENIED, "PermissionDenied", "permission denied"));

    Result r = admin("tls", "list");

    assertThat(r.exitCode()).isEqualTo(4);
    assertThat(r.out()).isEmpty();
  }
}
