package io.keygate.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.admin.v1.ActivateTlsKey;
import io.keygate.proto.admin.v1.AdminServiceGrpc;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.ApprovalRequest;
import io.keygate.proto.admin.v1.ApprovalState;
import io.keygate.proto.admin.v1.DualControlOperation;
import io.keygate.proto.admin.v1.InstallTlsCertificateRequest;
import io.keygate.proto.admin.v1.ListTlsKeysRequest;
import io.keygate.proto.admin.v1.PrepareTlsKeyRequest;
import io.keygate.proto.admin.v1.RequestApprovalRequest;
import io.keygate.proto.admin.v1.TlsKey;
import io.keygate.proto.admin.v1.WhoAmIRequest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TLS key rotation through the admin API, on the admin listener itself: an officer prepares a new
 * key in the HSM (self-signed certificate and CSR), a CA-issued chain can be installed on it, and
 * activating it takes a second officer. New handshakes then get the new certificate while a
 * connection opened before keeps working; a client that trusts only the old certificate can
 * connect no more.
 */
class TlsKeyAdminTest {
  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("tlsrot");

  static AdminFixture admin;
  static TestAdminCa.Client officer2;

  @BeforeAll
  static void start() throws Exception {
    admin = new AdminFixture(tokens).start("tlsrot");
    officer2 = admin.addOfficer("officer-2");
  }

  @AfterAll
  static void stop() throws Exception {
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void activatingAPreparedKey_switchesNewHandshakes_withoutDroppingLiveConnections()
      throws Exception {
    X509Certificate oldCert = admin.serverCert;
    // Opened and used before the rotation; it trusts only the old certificate, so if its
    // connection were dropped it could never reconnect.
    ManagedChannel before = TestAdminCa.channel(admin.server.port(), oldCert, admin.officer);
    try {
      AdminServiceBlockingStub beforeStub = stub(before);
      assertThat(beforeStub.whoAmI(WhoAmIRequest.getDefaultInstance()).getCommonName())
          .isEqualTo("officer-1");

      TlsKey prepared = admin.as(admin.officer).prepareTlsKey(prepare("admin-tls-2"));
      // The token dates certificates by the real clock; the service's test clock was set when
      // the fixture started, which is before this certificate's notBefore.
      admin.clock.set(java.time.Instant.now().plusSeconds(1));
      X509Certificate newCert = certificates(prepared.getCertificateChainPem()).get(0);
      assertThat(prepared.getServedByList()).isEmpty();
      assertThat(admin.server.tlsKeys().currentAlias()).isEqualTo("admin-tls");

      ApprovalRequest r = admin.as(admin.officer).requestApproval(activate("admin-tls-2"));
      assertThat(admin.server.tlsKeys().currentAlias()).isEqualTo("admin-tls");
      ApprovalRequest done = admin.as(officer2).approve(DualControlAdminTest.approve(r));

      assertThat(done.getState()).isEqualTo(ApprovalState.APPROVAL_EXECUTED);
      assertThat(admin.server.tlsKeys().currentAlias()).isEqualTo("admin-tls-2");
      admin.serverCert = newCert; // what the fixture's new channels trust from now on
      assertThat(beforeStub.whoAmI(WhoAmIRequest.getDefaultInstance()).getCommonName())
          .isEqualTo("officer-1");
      ManagedChannel trustsNew = TestAdminCa.channel(admin.server.port(), newCert, admin.officer);
      ManagedChannel trustsOld = TestAdminCa.channel(admin.server.port(), oldCert, admin.officer);
      try {
        assertThat(stub(trustsNew).whoAmI(WhoAmIRequest.getDefaultInstance()).getCommonName())
            .isEqualTo("officer-1");
        StatusRuntimeException refused = Assertions.catchThrowableOfType(
            () -> stub(trustsOld).whoAmI(WhoAmIRequest.getDefaultInstance()),
            StatusRuntimeException.class);
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      } finally {
        trustsNew.shutdownNow();
        trustsOld.shutdownNow();
      }
      assertThat(beforeStub.whoAmI(WhoAmIRequest.getDefaultInstance()).getCommonName())
          .isEqualTo("officer-1");

      List<TlsKey> keys = admin.as(admin.auditor)
          .listTlsKeys(ListTlsKeysRequest.getDefaultInstance()).getKeysList();
      assertThat(keys).filteredOn(k -> k.getLabel().equals("admin-tls-2"))
          .singleElement().satisfies(k -> assertThat(k.getServedByList()).containsExactly("admin"));
      assertThat(keys).filteredOn(k -> k.getLabel().equals("admin-tls"))
          .singleElement().satisfies(k -> assertThat(k.getServedByList()).isEmpty());
      assertThat(admin.audit.events()).anySatisfy(e -> {
        assertThat(e.action()).isEqualTo("tls.activate");
        assertThat(e.target()).isEqualTo("tls/admin/admin-tls-2");
        assertThat(e.detail()).contains("previous=admin-tls");
      });
      // A served key is never changed in place, and activating it again is refused.
      assertThat(Calls.status(() -> admin.as(admin.officer).installTlsCertificate(
              InstallTlsCertificateRequest.newBuilder().setLabel("admin-tls-2")
                  .setCertificateChainPem(prepared.getCertificateChainPem()).build())))
          .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "TlsKeyServed"));
      assertThat(Calls.status(() -> admin.as(admin.officer).requestApproval(activate("admin-tls-2"))))
          .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "TlsKeyAlreadyServed"));
    } finally {
      before.shutdownNow();
      before.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aPreparedKey_comesWithACsrSignedByIt_andTakesACaIssuedChain() throws Exception {
    TlsKey prepared = admin.as(admin.officer).prepareTlsKey(prepare("issued-tls"));
    PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequest(
        der(prepared.getCsrPem(), "CERTIFICATE REQUEST"));
    X509Certificate selfSigned = certificates(prepared.getCertificateChainPem()).get(0);
    assertThat(csr.isSignatureValid(new JcaContentVerifierProviderBuilder()
        .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
        .build(csr.getSubjectPublicKeyInfo()))).isTrue();
    assertThat(csr.getSubjectPublicKeyInfo().getEncoded())
        .isEqualTo(selfSigned.getPublicKey().getEncoded());
    assertThat(admin.hsm.describeKey(KeyLabel.of("issued-tls")).orElseThrow().isProtected())
        .isTrue();

    TestAdminCa serverCa = new TestAdminCa("CN=Keygate Test Server CA");
    X509Certificate issued =
        serverCa.certify("CN=gateway.example,SERIALNUMBER=issued-tls", selfSigned.getPublicKey());
    TlsKey installed = admin.as(admin.officer).installTlsCertificate(
        InstallTlsCertificateRequest.newBuilder().setLabel("issued-tls")
            .setCertificateChainPem(pem(issued) + pem(serverCa.certificate)).build());

    assertThat(installed.getIssuer()).isEqualTo("CN=Keygate Test Server CA");
    assertThat(certificates(installed.getCertificateChainPem()))
        .containsExactly(issued, serverCa.certificate);
  }

  @Test
  void anActivationApprovesOneCertificate_anotherInstalledMeanwhileFailsTheRun()
      throws Exception {
    TlsKey prepared = admin.as(admin.officer).prepareTlsKey(prepare("swapped-tls"));
    admin.clock.set(java.time.Instant.now().plusSeconds(1));
    ApprovalRequest r = admin.as(admin.officer).requestApproval(activate("swapped-tls"));
    assertThat(r.getOperation().getActivateTlsKey().getCertificateSha256())
        .isEqualTo(prepared.getCertificateSha256());
    assertThat(r.getSummary()).contains(prepared.getCertificateSha256());

    // The requester, alone, swaps in a certificate nobody approved.
    X509Certificate selfSigned = certificates(prepared.getCertificateChainPem()).get(0);
    TestAdminCa rogue = new TestAdminCa("CN=Rogue CA");
    admin.as(admin.officer).installTlsCertificate(install("swapped-tls",
        pem(rogue.certify("CN=evil.example,SERIALNUMBER=swapped-tls", selfSigned.getPublicKey()))
            + pem(rogue.certificate)));

    ApprovalRequest done = admin.as(officer2).approve(DualControlAdminTest.approve(r));

    assertThat(done.getState()).isEqualTo(ApprovalState.APPROVAL_FAILED);
    assertThat(done.getOutcome()).isEqualTo("TlsCertificateChanged");
    assertThat(admin.server.tlsKeys().currentAlias()).isNotEqualTo("swapped-tls");
  }

  @Test
  void badPreparationsAndChains_areRefusedWithStableCodes() throws Exception {
    AdminServiceBlockingStub officer = admin.as(admin.officer);
    admin.as(admin.officer).prepareTlsKey(prepare("bad-chain-target"));
    String foreign = pem(new TestAdminCa("CN=Other").certificate);

    assertThat(Calls.status(() -> officer.prepareTlsKey(prepare("bad-chain-target"))))
        .isEqualTo(Calls.refusal(Status.Code.ALREADY_EXISTS, "KeyExists"));
    assertThat(Calls.status(() -> officer.prepareTlsKey(
            PrepareTlsKeyRequest.newBuilder().setCommonName("x").build())))
        .isEqualTo(Calls.refusal(Status.Code.INVALID_ARGUMENT, "InvalidArgument"));
    assertThat(Calls.status(() -> officer.prepareTlsKey(
            prepare("x").toBuilder().setValidityDays(9000).build())))
        .isEqualTo(Calls.refusal(Status.Code.INVALID_ARGUMENT, "InvalidArgument"));
    assertThat(Calls.status(() -> officer.prepareTlsKey(
            prepare("bad-ip").toBuilder().addIpAddresses("gateway.example.com").build())))
        .isEqualTo(Calls.refusal(Status.Code.INVALID_ARGUMENT, "InvalidArgument"));
    assertThat(Calls.status(() -> officer.prepareTlsKey(
            prepare("long-cn").toBuilder().setCommonName("x".repeat(65)).build())))
        .isEqualTo(Calls.refusal(Status.Code.INVALID_ARGUMENT, "InvalidArgument"));
    assertThat(admin.hsm.describeKey(KeyLabel.of("bad-ip"))).isEmpty();
    assertThat(Calls.status(() -> officer.prepareTlsKey(prepare("keygate.mine"))))
        .isEqualTo(Calls.refusal(Status.Code.INVALID_ARGUMENT, "InvalidArgument"));
    assertThat(Calls.status(() -> officer.installTlsCertificate(install("bad-chain-target",
            foreign))))
        .isEqualTo(Calls.refusal(Status.Code.INVALID_ARGUMENT, "InvalidArgument"));
    assertThat(Calls.status(() -> officer.installTlsCertificate(install("bad-chain-target",
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))))
        .isEqualTo(Calls.refusal(Status.Code.INVALID_ARGUMENT, "InvalidArgument"));
    assertThat(Calls.status(() -> officer.installTlsCertificate(install("bad-chain-target",
            "x".repeat(70_000)))))
        .isEqualTo(Calls.refusal(Status.Code.INVALID_ARGUMENT, "InvalidArgument"));
    assertThat(Calls.status(() -> officer.installTlsCertificate(install("no-such", foreign))))
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "TlsKeyNotFound"));
    assertThat(Calls.status(() -> officer.requestApproval(activate("no-such"))))
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "TlsKeyNotFound"));
    assertThat(Calls.status(() -> officer.requestApproval(RequestApprovalRequest.newBuilder()
            .setOperation(DualControlOperation.newBuilder().setActivateTlsKey(
                ActivateTlsKey.newBuilder().setListener("backdoor").setLabel("bad-chain-target")))
            .setReason("x").build())))
        .isEqualTo(Calls.refusal(Status.Code.INVALID_ARGUMENT, "InvalidArgument"));
    assertThat(Calls.status(() -> admin.as(admin.acmeAdmin).prepareTlsKey(prepare("tenant-tls"))))
        .isEqualTo(Calls.refusal(Status.Code.PERMISSION_DENIED, "PermissionDenied"));
    assertThat(admin.hsm.describeKey(KeyLabel.of("tenant-tls"))).isEmpty();
  }

  // ---- helpers ----

  private static AdminServiceBlockingStub stub(ManagedChannel channel) {
    return AdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  static PrepareTlsKeyRequest prepare(String label) {
    return PrepareTlsKeyRequest.newBuilder()
        .setLabel(label)
        .setCommonName("keygate-admin")
        .addDnsNames("localhost")
        .addIpAddresses("127.0.0.1")
        .setValidityDays(30)
        .build();
  }

  static RequestApprovalRequest activate(String label) {
    return RequestApprovalRequest.newBuilder()
        .setOperation(DualControlOperation.newBuilder().setActivateTlsKey(
            ActivateTlsKey.newBuilder().setListener("admin").setLabel(label)))
        .setReason("scheduled rotation")
        .build();
  }

  private static InstallTlsCertificateRequest install(String label, String pem) {
    return InstallTlsCertificateRequest.newBuilder().setLabel(label)
        .setCertificateChainPem(pem).build();
  }

  static List<X509Certificate> certificates(String pem) throws Exception {
    List<X509Certificate> out = new ArrayList<>();
    CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
        .forEach(c -> out.add((X509Certificate) c));
    return out;
  }

  private static byte[] der(String pem, String type) {
    String body = pem.replace("-----BEGIN " + type + "-----", "")
        .replace("-----END " + type + "-----", "").replaceAll("\\s", "");
    return Base64.getDecoder().decode(body);
  }

  private static String pem(X509Certificate c) throws Exception {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }
}
