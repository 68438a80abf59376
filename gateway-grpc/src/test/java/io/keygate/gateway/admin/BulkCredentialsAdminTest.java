package io.keygate.gateway.admin;

import static io.keygate.gateway.admin.HierarchyFixture.echo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keygate.gateway.admin.api.AdminErrors;
import io.keygate.gateway.audit.AuditEvent;
import io.keygate.gateway.dataplane.CallObserver;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.hsm.IssuedSecretBatch;
import io.keygate.hsm.KekId;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.BulkIssuedCredential;
import io.keygate.proto.admin.v1.CreateCredentialsRequest;
import io.keygate.proto.admin.v1.CreateCredentialsResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CreateCredentials (admin API 1.4) on a real token, admin server (mutual TLS) and gateway node:
 * one call makes many apps with working credentials whose secrets only the requester can open;
 * anything wrong with the call refuses all of it and stores nothing; one audit record counts it.
 */
class BulkCredentialsAdminTest {
  private static final KekId KEK = KekId.of("kek-bulk");

  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("bulk", "plain");

  private static HierarchyFixture hsm;

  @BeforeAll
  static void start() throws Exception {
    hsm = HierarchyFixture.start(tokens, "bulk", new CallObserver() {
      @Override
      public void authenticated(Credential caller) {}

      @Override
      public void refused(String accessKey, String appId, GatewayError error) {}
    }, KEK);
    hsm.admin.store.registerApi(new ApiDefinition("globex-api", AdminFixture.GLOBEX,
        AdminFixture.GLOBEX_DOMAIN, "globex.Svc/Get", AdminFixture.BACKEND, AuthMode.SIGNATURE));
  }

  @AfterAll
  static void stop() throws Exception {
    if (hsm != null) {
      hsm.close();
    }
  }

  @Test
  void oneCall_makesWorkingCredentials_openOnlyByTheRequester_inOneVersion_andOneAuditRecord()
      throws Exception {
    long version = hsm.admin.store.currentVersion();
    int mark = hsm.admin.audit.mark();
    CreateCredentialsResponse reply = acme().createCredentials(request("ok-", 300)
        .addGrantApiIds("api-echo").build());

    assertThat(reply.getCredentialsCount()).isEqualTo(300);
    assertThat(reply.getKekId()).isEqualTo(KEK.value());
    assertThat(hsm.admin.store.currentVersion()).isEqualTo(version + 1);
    Map<String, byte[]> secrets = open(reply);
    assertThat(secrets).hasSize(300);
    assertThat(reply.getCredentials(7).getAppId()).isEqualTo("ok-7");
    Map<String, Credential> stored = hsm.admin.store.credentials("acme").stream()
        .collect(Collectors.toMap(Credential::accessKey, c -> c));
    for (BulkIssuedCredential c : reply.getCredentialsList()) {
      Credential row = stored.get(c.getAccessKey());
      assertThat(row.appId()).isEqualTo(c.getAppId());
      assertThat(row.wrapped().kek()).isEqualTo(KEK);
      assertThat(row.wrapped().blob()).hasSize(40)
          .isNotEqualTo(secrets.get(c.getAccessKey()))
          .isNotEqualTo(c.getSecretWrapped().toByteArray());
    }

    // A few of them through the data path: signed calls the gateway verifies in the HSM.
    hsm.gateway.refreshConfiguration();
    for (int i : new int[] {0, 149, 299}) {
      String key = reply.getCredentials(i).getAccessKey();
      assertThat(echo(hsm.signed(key, secrets.get(key)), "bulk " + i)).isEqualTo("bulk " + i);
    }

    List<AuditEvent> events = hsm.admin.audit.since(mark);
    assertThat(events).hasSize(1);
    AuditEvent event = events.get(0);
    assertThat(event.action()).isEqualTo("credential.bulk-create");
    assertThat(event.outcome()).isEqualTo(AuditEvent.Outcome.SUCCESS);
    assertThat(event.target()).isEqualTo("tenant/acme/apps");
    assertThat(event.detail()).contains("count=300").contains("tenant=acme")
        .contains("kek=" + KEK.value()).contains("grants=api-echo");
    String everything = events.toString();
    for (byte[] secret : secrets.values()) {
      assertThat(everything).doesNotContain(Base64.getEncoder().encodeToString(secret))
          .doesNotContain(HexFormat.of().formatHex(secret));
    }
  }

  @Test
  void aNodeWithoutAKek_refusesBulkIssuance_andStoresNothing() throws Exception {
    try (AdminFixture plain = new AdminFixture(tokens).start("plain")) {
      long version = plain.store.currentVersion();
      StatusRuntimeException e = refused(() -> plain.as(plain.acmeAdmin)
          .createCredentials(request("nokek-", 2).build()));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
      assertThat(code(e)).isEqualTo("KeyHierarchyRequired");
      assertThat(plain.store.currentVersion()).isEqualTo(version);
      assertThat(plain.audit.last().detail()).contains("KeyHierarchyRequired");
    }
  }

  @Test
  void noAppsOrMoreThanTheMaximum_isRefused_withAStableCode() throws Exception {
    for (int count : new int[] {0, 10_001}) {
      long version = hsm.admin.store.currentVersion();
      StatusRuntimeException e = refused(() -> acme().createCredentials(request("n-", count)
          .build()));
      assertThat(e.getStatus().getCode()).as("count " + count)
          .isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(code(e)).isEqualTo("BatchSizeOutOfRange");
      assertThat(hsm.admin.store.currentVersion()).isEqualTo(version);
    }
    StatusRuntimeException noKey = refused(() -> acme().createCredentials(
        request("n-", 2).clearRecipientPublicKey().build()));
    assertThat(code(noKey)).isEqualTo("RecipientKeyRequired");
  }

  /** Attack: acme's admin names globex. The policy's tenant rule must refuse it before any work. */
  @Test
  void aTenantAdmin_cannotBulkCreateInAnotherTenant() throws Exception {
    long version = hsm.admin.store.currentVersion();
    int apps = hsm.admin.store.apps("globex").size();
    StatusRuntimeException e = refused(() -> acme().createCredentials(request("evil-", 3)
        .setTenantId("globex").build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(hsm.admin.store.apps("globex")).hasSize(apps);
    assertThat(hsm.admin.store.currentVersion()).isEqualTo(version);
    assertThat(hsm.admin.audit.last().outcome()).isEqualTo(AuditEvent.Outcome.DENIED);
    assertThat(hsm.admin.audit.last().detail()).contains("DENIED_OTHER_TENANT");
    // nor may an officer issue (separation of duties), in any tenant
    StatusRuntimeException officer = refused(() -> hsm.admin.as(hsm.admin.officer)
        .createCredentials(request("off-", 1).build()));
    assertThat(officer.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void anAppIdTwiceInTheBatch_orTakenAlready_refusesTheWholeCall() throws Exception {
    hsm.admin.store.createApp(new App("dup-taken", "acme", "taken"));
    long version = hsm.admin.store.currentVersion();
    int apps = hsm.admin.store.apps("acme").size();
    int credentials = hsm.admin.store.credentials("acme").size();

    StatusRuntimeException twice = refused(() -> acme().createCredentials(request("dup-", 3)
        .addAppIds("dup-1").build()));
    StatusRuntimeException taken = refused(() -> acme().createCredentials(request("dup-", 3)
        .addAppIds("dup-taken").build()));
    for (StatusRuntimeException e : List.of(twice, taken)) {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
      assertThat(code(e)).isEqualTo("AlreadyExists");
    }
    assertThat(hsm.admin.store.apps("acme")).hasSize(apps);
    assertThat(hsm.admin.store.credentials("acme")).hasSize(credentials);
    assertThat(hsm.admin.store.currentVersion()).isEqualTo(version);
  }

  @Test
  void grantingAnApiOfAnotherTenant_refusesTheWholeCall() throws Exception {
    long version = hsm.admin.store.currentVersion();
    int apps = hsm.admin.store.apps("acme").size();
    StatusRuntimeException e = refused(() -> acme().createCredentials(request("cross-", 3)
        .addGrantApiIds("api-echo").addGrantApiIds("globex-api").build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(code(e)).isEqualTo("UnknownReference");
    assertThat(hsm.admin.store.apps("acme")).hasSize(apps);
    assertThat(hsm.admin.store.grants("globex")).isEmpty();
    assertThat(hsm.admin.store.currentVersion()).isEqualTo(version);
  }

  private static AdminServiceBlockingStub acme() {
    return hsm.admin.as(hsm.admin.acmeAdmin);
  }

  private static CreateCredentialsRequest.Builder request(String prefix, int count) {
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add(prefix + i);
    }
    return CreateCredentialsRequest.newBuilder().setTenantId("acme").addAllAppIds(ids)
        .setRecipientPublicKey(hsm.recipientKey());
  }

  /** What the requester's tool does: one RSA decryption, then RFC 5649 per secret. */
  private static Map<String, byte[]> open(CreateCredentialsResponse reply) throws Exception {
    SecretKeySpec transport =
        new SecretKeySpec(hsm.decrypt(reply.getTransportKeyForRecipient()), "AES");
    Cipher kwp = Cipher.getInstance(IssuedSecretBatch.SECRET_CIPHER, "SunJCE");
    Map<String, byte[]> secrets = new java.util.HashMap<>();
    for (BulkIssuedCredential c : reply.getCredentialsList()) {
      kwp.init(Cipher.DECRYPT_MODE, transport);
      byte[] secret = kwp.doFinal(c.getSecretWrapped().toByteArray());
      assertThat(secret).hasSize(32);
      secrets.put(c.getAccessKey(), secret);
    }
    return secrets;
  }

  private static StatusRuntimeException refused(Runnable call) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(e).as("the call must be refused").isNotNull();
    return e;
  }

  private static String code(StatusRuntimeException e) {
    return e.getTrailers().get(AdminErrors.ERROR_CODE);
  }
}
