package io.keygate.gateway.admin;

import io.keygate.gateway.admin.api.AdminMessages;

import static io.keygate.gateway.admin.AdminFixture.ACME;
import static io.keygate.gateway.admin.AdminFixture.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.FieldDescriptor;
import io.grpc.Status;
import io.keygate.gateway.audit.AuditEvent;
import io.keygate.gateway.audit.AuditEvent.Outcome;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.Credential;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.admin.v1.AddCredentialRequest;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.CreateAppRequest;
import io.keygate.proto.admin.v1.CreateCredentialRequest;
import io.keygate.proto.admin.v1.CreateTenantRequest;
import io.keygate.proto.admin.v1.CredentialState;
import io.keygate.proto.admin.v1.IssuedCredential;
import io.keygate.proto.admin.v1.ListCredentialsRequest;
import io.keygate.proto.admin.v1.RetireCredentialRequest;
import io.keygate.proto.admin.v1.RevokeCredentialRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Officers issue, rotate, retire and revoke credentials; the secret is handed out exactly once. */
class CredentialAdminTest {
  @RegisterExtension
  static SoftHsmTokens tokens = new SoftHsmTokens("admin");

  static AdminFixture admin;
  private static final AtomicInteger APPS = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    admin = new AdminFixture(tokens).start("admin");
  }

  @AfterAll
  static void stop() throws Exception {
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void officerOnboardsTenantAndApp_theTenantsAdminGetsTheHsmHeldSecretExactlyOnce()
      throws Exception {
    AdminServiceBlockingStub officer = admin.as(admin.officer);
    TestAdminCa.Client initechAdmin = admin.ca.issue("CN=initech-admin,O=Initech");
    int changes = admin.configChanges.get();
    officer.createTenant(
        CreateTenantRequest.newBuilder().setId("initech").setName("Initech").build());
    officer.createApp(CreateAppRequest.newBuilder()
        .setTenantId("initech")
        .setId("initech-app")
        .setName("TPS")
        .build());

    officer.addPrincipal(io.keygate.proto.admin.v1.AddPrincipalRequest.newBuilder()
        .setPrincipal(io.keygate.proto.admin.v1.Principal.newBuilder()
            .setCertificateSha256(initechAdmin.identity().sha256().value())
            .setRole(io.keygate.proto.admin.v1.Role.TENANT_ADMIN)
            .setTenantId("initech"))
        .build());

    IssuedCredential issued =
        admin.as(initechAdmin).createCredential(create("initech", "initech-app"));

    byte[] secret = issued.getSecret().toByteArray();
    String accessKey = issued.getCredential().getAccessKey();
    assertThat(secret).hasSize(32);
    assertThat(issued.getCredential().getState()).isEqualTo(CredentialState.ACTIVE);
    assertThat(issued.getCredential().hasNotAfter()).isFalse();
    // The bytes handed out are the key inside the token: both compute the same HMAC.
    byte[] data = "string-to-sign".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Mac software = Mac.getInstance("HmacSHA256", "SunJCE");
    software.init(new SecretKeySpec(secret, "HmacSHA256"));
    assertThat(admin.hsm.mac(KeyLabel.of(issued.getCredential().getSecretKeyLabel()), data))
        .isEqualTo(software.doFinal(data));
    // Each write refreshed this node's snapshot at once (the refresher's poll never runs here).
    assertThat(admin.configChanges.get()).isEqualTo(changes + 3);
    assertThat(admin.snapshots.current().credential(accessKey)).isPresent();

    var listed = officer.listCredentials(
        ListCredentialsRequest.newBuilder().setTenantId("initech").build());
    assertThat(listed.getCredentialsList())
        .extracting(c -> c.getAccessKey())
        .containsExactly(accessKey);
    assertThat(HexFormat.of().formatHex(listed.toByteArray()))
        .doesNotContain(HexFormat.of().formatHex(secret));
    // Not by accident: the listed message has no field that could carry a secret.
    assertThat(io.keygate.proto.admin.v1.Credential.getDescriptor().getFields())
        .noneMatch(f -> f.getType() == FieldDescriptor.Type.BYTES);
    assertThat(admin.audit.events().toString())
        .doesNotContain(HexFormat.of().formatHex(secret))
        .doesNotContain(java.util.Base64.getEncoder().encodeToString(secret));
  }

  @Test
  void createCredential_whenTheAppAlreadyHasALiveOne_isRefused() throws Exception {
    String app = newApp();
    admin.as(admin.acmeAdmin).createCredential(create(ACME, app));

    assertThat(Calls.status(() -> admin.as(admin.acmeAdmin).createCredential(create(ACME, app))))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "CredentialExists"));
  }

  @Test
  void addThenRetire_keepsTheOldCredentialWorkingUntilNotAfter_thenItExpires() throws Exception {
    AdminServiceBlockingStub officer = admin.as(admin.officer);
    String app = newApp();
    AdminServiceBlockingStub acmeAdmin = admin.as(admin.acmeAdmin);
    IssuedCredential old = acmeAdmin.createCredential(create(ACME, app));
    IssuedCredential next = acmeAdmin.addCredential(add(ACME, app));
    String oldKey = old.getCredential().getAccessKey();
    Instant now = admin.clock.instant();

    var retired = officer.retireCredential(retire(ACME, oldKey, Duration.ofHours(1)));

    Instant notAfter = now.plus(Duration.ofHours(1));
    assertThat(AdminMessages.instant(retired.getNotAfter())).isEqualTo(notAfter);
    assertThat(retired.getState()).isEqualTo(CredentialState.ACTIVE);
    Credential stored = stored(oldKey);
    assertThat(stored.notAfter()).isEqualTo(notAfter);
    assertThat(stored.stateAt(notAfter.minusMillis(1))).isEqualTo(Credential.State.ACTIVE);
    assertThat(stored.stateAt(notAfter)).isEqualTo(Credential.State.EXPIRED);
    assertThat(admin.snapshots.current().credential(oldKey).orElseThrow().notAfter())
        .isEqualTo(notAfter);
    // The old secret is still in the token, so gateways can verify with it until then.
    assertThat(admin.hsm.mac(KeyLabel.of(old.getCredential().getSecretKeyLabel()), new byte[] {1}))
        .hasSize(32);

    admin.clock.advance(Duration.ofHours(1));
    var listed = officer.listCredentials(
        ListCredentialsRequest.newBuilder().setTenantId(ACME).setAppId(app).build());
    assertThat(listed.getCredentialsList())
        .extracting(c -> c.getAccessKey() + "=" + c.getState())
        .containsExactlyInAnyOrder(
            oldKey + "=EXPIRED", next.getCredential().getAccessKey() + "=ACTIVE");
  }

  @Test
  void addCredential_allowsTwoLiveAtMost_andNeedsAFirstOne() throws Exception {
    AdminServiceBlockingStub acmeAdmin = admin.as(admin.acmeAdmin);
    String app = newApp();
    assertThat(Calls.status(() -> acmeAdmin.addCredential(add(ACME, app))))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "NoLiveCredential"));

    acmeAdmin.createCredential(create(ACME, app));
    acmeAdmin.addCredential(add(ACME, app));

    assertThat(Calls.status(() -> acmeAdmin.addCredential(add(ACME, app))))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "CredentialLimit"));
  }

  @Test
  void retire_canOnlyBringTheEndForward_andNeverRevivesACredential() throws Exception {
    AdminServiceBlockingStub officer = admin.as(admin.officer);
    String key =
        admin.as(admin.acmeAdmin).createCredential(create(ACME, newApp())).getCredential()
            .getAccessKey();
    var first = officer.retireCredential(retire(ACME, key, Duration.ofHours(1)));

    assertThat(Calls.status(() -> officer.retireCredential(retire(ACME, key, Duration.ofHours(2)))))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "RetireLater"));
    assertThat(officer.retireCredential(retire(ACME, key, Duration.ofHours(1))).getNotAfter())
        .isEqualTo(first.getNotAfter());
    var sooner = officer.retireCredential(retire(ACME, key, Duration.ofMinutes(5)));
    assertThat(AdminMessages.instant(sooner.getNotAfter()))
        .isEqualTo(admin.clock.instant().plus(Duration.ofMinutes(5)));

    officer.revokeCredential(revoke(ACME, key));
    assertThat(Calls.status(() -> officer.retireCredential(retire(ACME, key, Duration.ZERO))))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "CredentialNotActive"));
  }

  @Test
  void retire_withoutOrWithANegativeOrHugeDelay_isAnInvalidArgument() throws Exception {
    AdminServiceBlockingStub officer = admin.as(admin.officer);
    String key =
        admin.as(admin.acmeAdmin).createCredential(create(ACME, newApp())).getCredential()
            .getAccessKey();
    var invalid = Calls.refusal(Status.Code.INVALID_ARGUMENT, "InvalidArgument");

    assertThat(Calls.status(() -> officer.retireCredential(RetireCredentialRequest.newBuilder()
            .setTenantId(ACME)
            .setAccessKey(key)
            .build())))
        .isEqualTo(invalid);
    assertThat(
            Calls.status(() -> officer.retireCredential(retire(ACME, key, Duration.ofSeconds(-1)))))
        .isEqualTo(invalid);
    assertThat(
            Calls.status(() -> officer.retireCredential(retire(ACME, key, Duration.ofDays(367)))))
        .isEqualTo(invalid);
    assertThat(stored(key).notAfter()).isNull();
  }

  @Test
  void revoke_isImmediateInTheStoreAndThisNodesSnapshot() throws Exception {
    AdminServiceBlockingStub officer = admin.as(admin.officer);
    String key =
        admin.as(admin.acmeAdmin).createCredential(create(ACME, newApp())).getCredential()
            .getAccessKey();

    var revoked = officer.revokeCredential(revoke(ACME, key));

    assertThat(revoked.getState()).isEqualTo(CredentialState.REVOKED);
    assertThat(stored(key).stateAt(admin.clock.instant())).isEqualTo(Credential.State.REVOKED);
    assertThat(admin.snapshots.current().credential(key).orElseThrow().revoked())
        .isTrue();
  }

  @Test
  void credentialsOfAnotherTenantsKey_orAnUnknownApp_areNotFound_andLeaveNoHsmKeyBehind()
      throws Exception {
    AdminServiceBlockingStub officer = admin.as(admin.officer);
    String acmeKey =
        admin.as(admin.acmeAdmin).createCredential(create(ACME, newApp())).getCredential()
            .getAccessKey();
    int keys = admin.hsm.listKeys().size();

    assertThat(Calls.status(
            () -> admin.as(admin.acmeAdmin).createCredential(create(ACME, "globex-app"))))
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "NotFound"));
    assertThat(Calls.status(() -> officer.revokeCredential(revoke(GLOBEX, acmeKey))))
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "NotFound"));
    assertThat(admin.hsm.listKeys()).hasSize(keys);
    assertThat(stored(acmeKey).revoked()).isFalse();
  }

  /**
   * Separation of duties: an officer alone must not hold a working secret of any tenant's app (it
   * could act as that tenant). Issuing is the tenant's admins' job, in their own tenant only;
   * officers may still retire and revoke (incident response), auditors only look.
   */
  @Test
  void onlyTheTenantsAdmins_issueCredentials_officersRetireAndRevoke_auditorsOnlyList()
      throws Exception {
    String app = newApp();
    var denied = Calls.refusal(Status.Code.PERMISSION_DENIED, "PermissionDenied");
    for (TestAdminCa.Client who : List.of(admin.officer, admin.auditor, admin.globexAdmin)) {
      AdminServiceBlockingStub stub = admin.as(who);
      assertThat(Calls.status(() -> stub.createCredential(create(ACME, app)))).isEqualTo(denied);
      assertThat(Calls.status(() -> stub.addCredential(add(ACME, app)))).isEqualTo(denied);
    }
    assertThat(admin.store.credentials(ACME)).noneMatch(c -> c.appId().equals(app));

    String key = admin.as(admin.acmeAdmin).createCredential(create(ACME, app))
        .getCredential().getAccessKey();
    String second = admin.as(admin.acmeAdmin).addCredential(add(ACME, app))
        .getCredential().getAccessKey();

    for (TestAdminCa.Client who : List.of(admin.auditor, admin.globexAdmin)) {
      AdminServiceBlockingStub stub = admin.as(who);
      assertThat(Calls.status(() -> stub.retireCredential(retire(ACME, key, Duration.ZERO))))
          .isEqualTo(denied);
      assertThat(Calls.status(() -> stub.revokeCredential(revoke(ACME, key)))).isEqualTo(denied);
    }
    assertThat(Calls.status(() -> admin.as(admin.globexAdmin).listCredentials(
            ListCredentialsRequest.newBuilder().setTenantId(ACME).build())))
        .isEqualTo(denied);
    assertThat(stored(key).stateAt(admin.clock.instant())).isEqualTo(Credential.State.ACTIVE);
    for (TestAdminCa.Client who : List.of(admin.acmeAdmin, admin.auditor, admin.officer)) {
      assertThat(admin.as(who)
              .listCredentials(ListCredentialsRequest.newBuilder().setTenantId(ACME).build())
              .getCredentialsList())
          .extracting(c -> c.getAccessKey())
          .contains(key, second);
    }
    admin.as(admin.acmeAdmin).retireCredential(retire(ACME, key, Duration.ofHours(1)));
    admin.as(admin.officer).revokeCredential(revoke(ACME, second));
    assertThat(stored(second).revoked()).isTrue();
  }

  @Test
  void everyCredentialCall_isAuditedWithActorRoleAndOutcome_namingTheKeyButNeverTheSecret()
      throws Exception {
    String app = newApp();
    int mark = admin.audit.mark();
    IssuedCredential issued = admin.as(admin.acmeAdmin).createCredential(create(ACME, app));
    Calls.status(() -> admin.as(admin.acmeAdmin).createCredential(create(ACME, app)));
    Calls.status(() -> admin.as(admin.officer).createCredential(create(ACME, app)));

    List<AuditEvent> events = admin.audit.since(mark);
    String acmeAdmin = admin.acmeAdmin.identity().auditActor();
    assertThat(events)
        .extracting(e ->
            List.of(e.actor(), e.role(), e.action(), e.target(), e.outcome().name()))
        .containsExactly(
            List.of(
                acmeAdmin,
                "tenant-admin",
                "credential.create",
                "tenant/acme/app/" + app,
                "SUCCESS"),
            List.of(
                acmeAdmin,
                "tenant-admin",
                "credential.create",
                "tenant/acme/app/" + app,
                "FAILED"),
            List.of(
                admin.officer.identity().auditActor(),
                "security-officer",
                "credential.create",
                "tenant/acme/app/" + app,
                "DENIED"));
    assertThat(events.get(0).detail())
        .isEqualTo("accessKey=" + issued.getCredential().getAccessKey());
    assertThat(events.get(1).detail()).isEqualTo("CredentialExists");
    assertThat(events.get(2).detail()).contains("DENIED_ROLE");
    assertThat(events).allMatch(e -> !e.requestId().equals("-"));
    assertThat(events.get(2).outcome()).isEqualTo(Outcome.DENIED);
  }

  private static String newApp() throws Exception {
    String id = "app-" + APPS.incrementAndGet();
    admin.store.createApp(new App(id, ACME, id));
    return id;
  }

  private static Credential stored(String accessKey) throws Exception {
    return admin.store.credentials(ACME).stream()
        .filter(c -> c.accessKey().equals(accessKey))
        .findFirst()
        .orElseThrow();
  }

  static CreateCredentialRequest create(String tenant, String app) {
    return CreateCredentialRequest.newBuilder()
        .setTenantId(tenant)
        .setAppId(app)
        .build();
  }

  static AddCredentialRequest add(String tenant, String app) {
    return AddCredentialRequest.newBuilder().setTenantId(tenant).setAppId(app).build();
  }

  static RetireCredentialRequest retire(String tenant, String key, Duration after) {
    return RetireCredentialRequest.newBuilder()
        .setTenantId(tenant)
        .setAccessKey(key)
        .setAfter(com.google.protobuf.Duration.newBuilder()
            .setSeconds(after.getSeconds())
            .setNanos(after.getNano()))
        .build();
  }

  static RevokeCredentialRequest revoke(String tenant, String key) {
    return RevokeCredentialRequest.newBuilder()
        .setTenantId(tenant)
        .setAccessKey(key)
        .build();
  }
}
