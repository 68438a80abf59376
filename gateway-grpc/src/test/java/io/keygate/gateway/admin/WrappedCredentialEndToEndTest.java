package io.keygate.gateway.admin;

import static io.keygate.gateway.admin.HierarchyFixture.echo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keygate.gateway.admin.api.AdminErrors;
import io.keygate.gateway.credentials.CredentialIssuer;
import io.keygate.gateway.credentials.IssuedCredential.InClear;
import io.keygate.gateway.dataplane.CallObserver;
import io.keygate.gateway.errors.ErrorReplies;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.model.Grant;
import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.testing.RsaTestKeys;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.admin.v1.CreateCredentialRequest;
import io.keygate.proto.admin.v1.IssuedCredential;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11's issuance and data path on a real token, admin API and gateway node: a node with a
 * KEK issues a secret made in the HSM, sent only encrypted to the tenant-admin's one-time key and
 * stored only wrapped; calls signed with it are verified in the HSM; a request that would need
 * the secret in the clear is refused; a damaged blob costs that one credential, with a stable
 * code and a security event, and every other credential keeps working.
 */
class WrappedCredentialEndToEndTest {
  private static final KekId KEK = KekId.of("kek-2026");

  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("wrapped");

  private static HierarchyFixture hsm;
  private static final List<String> refusals = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    hsm = HierarchyFixture.start(tokens, "wrapped", new CallObserver() {
      @Override
      public void authenticated(Credential caller) {}

      @Override
      public void refused(String accessKey, String appId, GatewayError error) {
        refusals.add(accessKey + " " + error.code());
      }
    }, KEK);
    hsm.admin.store.grant(new Grant("acme", "acme-app", "api-echo"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (hsm != null) {
      hsm.close();
    }
  }

  @Test
  void issuedSecret_isOnlyEncryptedToTheRequester_storedWrapped_andVerifiesCalls() throws Exception {
    IssuedCredential issued = hsm.create("acme-app");
    String accessKey = issued.getCredential().getAccessKey();

    assertThat(issued.getSecret().isEmpty()).as("no secret in the clear").isTrue();
    assertThat(issued.getCredential().getKekId()).isEqualTo(KEK.value());
    byte[] secret = hsm.decrypt(issued);
    assertThat(secret).hasSize(32);
    String stored = hsm.credentialColumn("wrapped_secret", accessKey);
    assertThat(stored).isNotNull();
    assertThat(Base64.getDecoder().decode(stored)).hasSize(40).isNotEqualTo(secret);
    assertThat(stored).doesNotContain(Base64.getEncoder().encodeToString(secret));
    assertThat(hsm.admin.hsm.describeKey(KeyLabel.of("ak-" + accessKey.toLowerCase())))
        .as("no token key per secret").isEmpty();

    hsm.gateway.refreshConfiguration();
    assertThat(echo(hsm.signed(accessKey, secret), "hello")).isEqualTo("hello");
    byte[] wrong = secret.clone();
    wrong[0] ^= 1;
    StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
        () -> echo(hsm.signed(accessKey, wrong), "refused"));
    assertThat(refused.getTrailers().get(ErrorReplies.ERROR_CODE)).isEqualTo("InvalidSignature");
  }

  @Test
  void aTokenObjectCredentialFromBeforeTheHierarchy_keepsWorkingOnANodeWithAKek() throws Exception {
    hsm.admin.store.createApp(new App("acme-legacy", "acme", "legacy"));
    hsm.admin.store.grant(new Grant("acme", "acme-legacy", "api-echo"));
    // Issued the old way, before the node had a KEK: the secret is a token object of its own.
    InClear legacy = new CredentialIssuer(hsm.admin.hsm, hsm.admin.store, new SecureRandom())
        .issue("acme", "acme-legacy", null);
    assertThat(hsm.credentialColumn("wrapped_secret", legacy.accessKey())).isNull();
    hsm.gateway.refreshConfiguration();

    byte[] secret = legacy.secret().unsafeCopy();
    legacy.secret().destroy();
    assertThat(echo(hsm.signed(legacy.accessKey(), secret), "old")).isEqualTo("old");
    secret[0] ^= 1;
    StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
        () -> echo(hsm.signed(legacy.accessKey(), secret), "forged"));
    assertThat(refused.getTrailers().get(ErrorReplies.ERROR_CODE)).isEqualTo("InvalidSignature");
  }

  @Test
  void requestWithoutARecipientKey_isRefused_ratherThanSentInTheClear() throws Exception {
    hsm.admin.store.createApp(new App("acme-nokey", "acme", "no key"));
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> hsm.admin.as(hsm.admin.acmeAdmin).createCredential(CreateCredentialRequest
            .newBuilder().setTenantId("acme").setAppId("acme-nokey").build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(e.getTrailers().get(AdminErrors.ERROR_CODE)).isEqualTo("RecipientKeyRequired");

    for (ByteString bad : List.of(ByteString.copyFromUtf8("not a key"),
        ByteString.copyFrom(RsaTestKeys.rsa(2048, 0).getPublic().getEncoded()))) {
      StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
          () -> hsm.admin.as(hsm.admin.acmeAdmin).createCredential(CreateCredentialRequest
              .newBuilder().setTenantId("acme").setAppId("acme-nokey")
              .setRecipientPublicKey(bad).build()));
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(refused.getTrailers().get(AdminErrors.ERROR_CODE)).isEqualTo("BadRecipientKey");
    }
    assertThat(hsm.admin.store.credentials("acme")).noneMatch(c -> c.appId().equals("acme-nokey"));
  }

  @Test
  void damagedBlob_refusesThatCredentialOnly_withAStableCode() throws Exception {
    hsm.admin.store.createApp(new App("acme-damaged", "acme", "damaged"));
    hsm.admin.store.grant(new Grant("acme", "acme-damaged", "api-echo"));
    IssuedCredential victim = hsm.create("acme-damaged");
    IssuedCredential rotated = hsm.add("acme-damaged");
    String victimKey = victim.getCredential().getAccessKey();
    byte[] blob = Base64.getDecoder().decode(hsm.credentialColumn("wrapped_secret", victimKey));
    blob[7] ^= 0x20;
    hsm.overwriteBlob(victimKey, Base64.getEncoder().encodeToString(blob));
    hsm.gateway.refreshConfiguration();

    byte[] victimSecret = hsm.decrypt(victim);
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> echo(hsm.signed(victimKey, victimSecret), "x"));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(e.getTrailers().get(ErrorReplies.ERROR_CODE)).isEqualTo("CredentialUnusable");
    assertThat(e.getStatus().getDescription()).doesNotContain(Base64.getEncoder().encodeToString(blob));
    assertThat(refusals).contains(victimKey + " CredentialUnusable");

    // the same app's other credential, and the node, are fine
    assertThat(echo(hsm.signed(rotated.getCredential().getAccessKey(), hsm.decrypt(rotated)),
        "still")).isEqualTo("still");
    assertThat(hsm.hierarchy.health().isUp()).isTrue();
  }
}
