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
  void officer_createsTenantAppAndCredential_andGetsTheHsmHeldSecretExactlyOnce() throws Exception {
    AdminServiceBlockingStub officer = admin.as(admin.officer);
    int changes = admin.configChanges.get();
    officer.createTenant(
        CreateTenantRequest.newBuilder().setId("initech").setName("Initech").build());
    officer.createApp(CreateAppRequest.newBuilder()
        .setTenantId("initech")
        .setId("initech-app")
        .setName("TPS")
        .build());

    IssuedCredential issued = officer.createCredential(create("initech", "initech-app"));

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
    admin.as(admin.officer).createCredential(create(ACME, app));

    assertThat(Calls.status(() -> admin.as(admin.officer).createCredential(create(ACME, app))))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "CredentialExists"));
  }

  @Test
  void addThenRetire_keepsTheOldCredentialWorkingUntilNotAfter_thenItExpires() throws Exception {
    AdminServiceBlockingStub officer = admin.as(admin.officer);
    String app = newApp();
    IssuedCredential old = officer.createCredential(create(ACME, app));
    IssuedCredential next = officer.addCredential(add(ACME, app));
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
    AdminServiceBlockingStub officer = admin.as(admin.officer);
    String app = newApp();
    assertThat(Calls.status(() -> officer.addCredential(add(ACME, app))))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "NoLiveCredential"));

    officer.createCredential(create(ACME, app));
    officer.addCredential(add(ACME, app));

    assertThat(Calls.status(() -> officer.addCredential(add(ACME, app))))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "CredentialLimit"));
  }

  @Test
  void retire_canOnlyBringTheEndForward_andNeverRevivesACredential() throws Exception {
    AdminServiceBlockingStub officer = admin.as(admin.officer);
    String key =
        officer.createCredential(create(ACME, newApp())).getCredential().getAccessKey();
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
        officer.createCredential(create(ACME, newApp())).getCredential().getAccessKey();
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
        officer.createCredential(create(ACME, newApp())).getCredential().getAccessKey();

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
        officer.createCredential(create(ACME, newApp())).getCredential().getAccessKey();
    int keys = admin.hsm.listKeys().size();

    assertThat(Calls.status(() -> officer.createCredential(create(ACME, "globex-app"))))
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "NotFound"));
    assertThat(Calls.status(() -> officer.revokeCredential(revoke(GLOBEX, acmeKey))))
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "NotFound"));
    assertThat(admin.hsm.listKeys()).hasSize(keys);
    assertThat(stored(acmeKey).revoked()).isFalse();
  }

  @Test
  void tenantAdminsAndAuditors_cannotIssueRetireOrRevoke_andTenantAdminsCannotListCredentials()
      throws Exception {
    String key = admin
        .as(admin.officer)
        .createCredential(create(ACME, newApp()))
        .getCredential()
        .getAccessKey();
    var denied = Calls.refusal(Status.Code.PERMISSION_DENIED, "PermissionDenied");
    for (TestAdminCa.Client who : List.of(admin.acmeAdmin, admin.auditor)) {
      AdminServiceBlockingStub stub = admin.as(who);
      assertThat(Calls.status(() -> stub.createCredential(create(ACME, "acme-app"))))
          .isEqualTo(denied);
      assertThat(Calls.status(() -> stub.addCredential(add(ACME, "acme-app")))).isEqualTo(denied);
      assertThat(Calls.status(() -> stub.retireCredential(retire(ACME, key, Duration.ZERO))))
          .isEqualTo(denied);
      assertThat(Calls.status(() -> stub.revokeCredential(revoke(ACME, key)))).isEqualTo(denied);
    }
    assertThat(Calls.status(() -> admin
            .as(admin.acmeAdmin)
            .listCredentials(
                ListCredentialsRequest.newBuilder().setTenantId(ACME).build())))
        .isEqualTo(denied);
    assertThat(admin
            .as(admin.auditor)
            .listCredentials(
                ListCredentialsRequest.newBuilder().setTenantId(ACME).build())
            .getCredentialsList())
        .extracting(c -> c.getAccessKey())
        .contains(key);
    assertThat(stored(key).stateAt(admin.clock.instant())).isEqualTo(Credential.State.ACTIVE);
  }

  @Test
  void everyCredentialCall_isAuditedWithActorRoleAndOutcome_namingTheKeyButNeverTheSecret()
      throws Exception {
    String app = newApp();
    int mark = admin.audit.mark();
    IssuedCredential issued = admin.as(admin.officer).createCredential(create(ACME, app));
    Calls.status(() -> admin.as(admin.officer).createCredential(create(ACME, app)));
    Calls.status(() -> admin.as(admin.acmeAdmin).createCredential(create(ACME, app)));

    List<AuditEvent> events = admin.audit.since(mark);
    String officer = admin.officer.identity().auditActor();
    assertThat(events)
        .extracting(e ->
            List.of(e.actor(), e.role(), e.action(), e.target(), e.outcome().name()))
        .containsExactly(
            List.of(
                officer,
                "security-officer",
                "credential.create",
                "tenant/acme/app/" + app,
                "SUCCESS"),
            List.of(
                officer,
                "security-officer",
                "credential.create",
                "tenant/acme/app/" + app,
                "FAILED"),
            List.of(
                admin.acmeAdmin.identity().auditActor(),
                "tenant-admin",
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
