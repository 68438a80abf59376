package io.keygate.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.grpc.Status;
import io.keygate.gateway.audit.AuditEvent;
import io.keygate.gateway.model.BackendTarget;
import io.keygate.gateway.model.BackendTls.Mode;
import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.BackendTls;
import io.keygate.proto.admin.v1.BackendTlsMode;
import io.keygate.proto.admin.v1.ListBackendTlsRequest;
import io.keygate.proto.admin.v1.RemoveBackendTlsRequest;
import io.keygate.proto.admin.v1.SetBackendTlsRequest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Backend trust is a security officer's: an officer sets a backend's TLS policy (audited, with
 * the anchors' fingerprints, never their PEM) and every node's snapshot carries it; a rogue
 * tenant-admin can neither weaken nor replace it, and malformed policies are refused whole.
 */
class BackendTlsAdminTest {
  @RegisterExtension
  static SoftHsmTokens tokens = new SoftHsmTokens("backend-tls-admin");

  private static final KeyLabel CLIENT_KEY = KeyLabel.of("gateway-backend-client");
  private static final String TARGET = "orders.internal:9443";
  private static final Calls.Refusal DENIED =
      Calls.refusal(Status.Code.PERMISSION_DENIED, "PermissionDenied");
  private static final Calls.Refusal INVALID =
      Calls.refusal(Status.Code.INVALID_ARGUMENT, "InvalidArgument");
  static AdminFixture admin;
  static X509Certificate anchor;

  @BeforeAll
  static void start() throws Exception {
    admin = new AdminFixture(tokens).start("backend-tls-admin");
    admin.hsm.generateEcKey(CLIENT_KEY,
        new CertificateProfile("keygate-gateway", List.of(), List.of(), Duration.ofDays(1)));
    anchor = new TestAdminCa("CN=Orders Backend CA").certificate;
  }

  @AfterAll
  static void stop() throws Exception {
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void officer_setsAnMtlsPolicy_audited_andNodesSeeIt() throws Exception {
    int mark = admin.audit.mark();

    BackendTls set = admin.as(admin.officer).setBackendTls(request(mtls(TARGET)));

    String sha256 = sha256(anchor);
    assertThat(set.getTrustAnchorSha256List()).containsExactly(sha256);
    assertThat(admin.audit.since(mark))
        .extracting(AuditEvent::action, AuditEvent::target, AuditEvent::outcome)
        .containsExactly(tuple("backend-tls.set", "backend-tls/" + TARGET,
            AuditEvent.Outcome.SUCCESS));
    assertThat(admin.audit.since(mark).get(0).detail())
        .contains("mode=BACKEND_MTLS", "clientKey=" + CLIENT_KEY.value(), sha256)
        .doesNotContain("BEGIN");
    var policy = admin.snapshots.current().backendTls(BackendTarget.parse(TARGET)).orElseThrow();
    assertThat(policy.mode()).isEqualTo(Mode.MTLS);
    assertThat(policy.trustAnchors()).containsExactly(anchor);
    assertThat(admin.as(admin.auditor).listBackendTls(ListBackendTlsRequest.getDefaultInstance())
        .getPoliciesList()).contains(set);
  }

  @Test
  void aRogueTenantAdmin_cannotChangeBackendTrust() throws Exception {
    admin.as(admin.officer).setBackendTls(request(mtls("billing.internal:9443")));
    int mark = admin.audit.mark();
    AdminServiceBlockingStub acme = admin.as(admin.acmeAdmin);

    // Its own CA for a backend (to read or fake its traffic), plaintext, or no policy at all.
    BackendTls ownCa = mtls("billing.internal:9443").toBuilder()
        .setTrustAnchorsPem(pem(new TestAdminCa("CN=Acme's own CA").certificate)).build();
    BackendTls plaintext = BackendTls.newBuilder().setBackendTarget("billing.internal:9443")
        .setMode(BackendTlsMode.BACKEND_TLS_PLAINTEXT).build();
    assertThat(Calls.status(() -> acme.setBackendTls(request(ownCa)))).isEqualTo(DENIED);
    assertThat(Calls.status(() -> acme.setBackendTls(request(plaintext)))).isEqualTo(DENIED);
    assertThat(Calls.status(() -> acme.removeBackendTls(RemoveBackendTlsRequest.newBuilder()
        .setBackendTarget("billing.internal:9443").build()))).isEqualTo(DENIED);
    assertThat(Calls.status(() -> admin.as(admin.auditor).setBackendTls(request(plaintext))))
        .isEqualTo(DENIED);

    assertThat(admin.audit.since(mark)).extracting(AuditEvent::outcome)
        .containsOnly(AuditEvent.Outcome.DENIED).hasSize(4);
    var stored = admin.store.backendTls().stream()
        .filter(p -> p.target().equals("billing.internal:9443")).findFirst().orElseThrow();
    assertThat(stored.mode()).isEqualTo(Mode.MTLS);
    assertThat(stored.trustAnchors()).containsExactly(anchor);
  }

  @Test
  void malformedPolicies_areRefused_andNothingIsStored() throws Exception {
    AdminServiceBlockingStub officer = admin.as(admin.officer);
    String target = "malformed.internal:9443";
    List<BackendTls> bad = List.of(
        mtls(target).toBuilder().setTrustAnchorsPem("-----BEGIN CERTIFICATE-----\nnot base64\n"
            + "-----END CERTIFICATE-----\n").build(),
        mtls(target).toBuilder().setTrustAnchorsPem("").build(),
        mtls(target).toBuilder().setServerName("*.internal").build(),
        mtls(target).toBuilder().setMode(BackendTlsMode.BACKEND_TLS).build(),
        mtls(target).toBuilder().setClientKeyLabel("").build(),
        mtls(target).toBuilder().setBackendTarget("unix:/tmp/socket").build(),
        mtls(target).toBuilder().setMode(BackendTlsMode.BACKEND_TLS_MODE_UNSPECIFIED).build());
    for (BackendTls policy : bad) {
      assertThat(Calls.status(() -> officer.setBackendTls(request(policy))))
          .as(policy.toString()).isEqualTo(INVALID);
    }
    BackendTls noSuchKey = mtls(target).toBuilder().setClientKeyLabel("no-such-key").build();
    assertThat(Calls.status(() -> officer.setBackendTls(request(noSuchKey))))
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "TlsKeyNotFound"));
    assertThat(admin.store.backendTls()).noneMatch(p -> p.target().equals(target));
  }

  @Test
  void removing_makesTheBackendPlaintext_andASecondRemoveIsNotFound() throws Exception {
    String target = "removed.internal:9443";
    AdminServiceBlockingStub officer = admin.as(admin.officer);
    officer.setBackendTls(request(mtls(target)));
    RemoveBackendTlsRequest remove =
        RemoveBackendTlsRequest.newBuilder().setBackendTarget(target).build();

    officer.removeBackendTls(remove);

    assertThat(admin.snapshots.current().backendTls(BackendTarget.parse(target))).isEmpty();
    assertThat(Calls.status(() -> officer.removeBackendTls(remove)))
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "NotFound"));
  }

  private static BackendTls mtls(String target) throws Exception {
    return BackendTls.newBuilder()
        .setBackendTarget(target)
        .setMode(BackendTlsMode.BACKEND_MTLS)
        .setTrustAnchorsPem(pem(anchor))
        .setServerName("orders.internal")
        .setClientKeyLabel(CLIENT_KEY.value())
        .build();
  }

  private static SetBackendTlsRequest request(BackendTls policy) {
    return SetBackendTlsRequest.newBuilder().setPolicy(policy).build();
  }

  private static String pem(X509Certificate cert) throws Exception {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(cert.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }

  private static String sha256(X509Certificate cert) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
  }
}
