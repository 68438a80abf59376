package io.keygate.gateway.admin;

import static io.keygate.gateway.admin.AdminFixture.ACME;
import static io.keygate.gateway.admin.AdminFixture.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.keygate.gateway.audit.AuditEvent;
import io.keygate.gateway.payload.PayloadKeyRing;
import io.keygate.gateway.payload.PayloadKeyStore.Hop;
import io.keygate.hsm.GcmSealed;
import io.keygate.hsm.KekId;
import io.keygate.hsm.Pin;
import io.keygate.hsm.WrappedMacKeys;
import io.keygate.hsm.pkcs11.DirectKekAdministration;
import io.keygate.hsm.pkcs11.DirectPayloadKeys;
import io.keygate.hsm.testing.RsaTestKeys;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.Api;
import io.keygate.proto.admin.v1.IssuePayloadKeyRequest;
import io.keygate.proto.admin.v1.IssuedPayloadKey;
import io.keygate.proto.admin.v1.ListPayloadKeysRequest;
import io.keygate.proto.admin.v1.PayloadKeyInfo;
import io.keygate.proto.admin.v1.PromotePayloadKeyRequest;
import io.keygate.proto.admin.v1.RegisterApiRequest;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Staged payload key rotation through the admin API (1.11) on a real SoftHSM2 token: a key
 * issued staged joins the ring accepted only, the node keeps sealing under the current key until
 * PromotePayloadKey, then seals under the new one while the old one still opens. Who may promote
 * (the tenant's admin and officers, not auditors, not another tenant's admin), the audit records,
 * and bad requests that change nothing. Each test has its own API.
 */
class StagedPayloadKeyAdminTest {
  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("payload-staged");

  private static final KekId KEK = KekId.of("pk1");
  private static final byte[] AAD = "aad".getBytes(StandardCharsets.US_ASCII);
  static AdminFixture admin;
  static DirectPayloadKeys hsm;
  static KeyPair recipient;

  @BeforeAll
  static void start() throws Exception {
    try (DirectKekAdministration so = DirectKekAdministration.openAsSecurityOfficer(
        tokens.config("payload-staged"), Pin.fromFile(tokens.soPinFile()))) {
      so.generatePayloadKek(KEK);
    }
    hsm = DirectPayloadKeys.open(tokens.config("payload-staged"), tokens.pin(), 2, 16,
        Clock.systemUTC(), new SecureRandom());
    admin = new AdminFixture(tokens).withPayloadKeys(hsm, KEK).start("payload-staged");
    recipient = RsaTestKeys.rsa3072(0);
  }

  @AfterAll
  static void stop() throws Exception {
    if (admin != null) {
      admin.close();
    }
    if (hsm != null) {
      hsm.close();
    }
  }

  private static void register(String api) {
    admin.as(admin.acmeAdmin).registerApi(RegisterApiRequest.newBuilder().setApi(Api.newBuilder()
        .setTenantId(ACME).setId(api).setMethodName("acme.v1." + api.replace("-", "") + "/Put")
        .setDomain(AdminFixture.ACME_DOMAIN).setBackendTarget(AdminFixture.BACKEND)).build());
  }

  private static IssuePayloadKeyRequest issue(String tenant, String api, String hop, String keyId,
      boolean staged) {
    return IssuePayloadKeyRequest.newBuilder().setTenantId(tenant).setApiId(api).setHop(hop)
        .setKeyId(keyId).setStaged(staged)
        .setRecipientPublicKey(ByteString.copyFrom(recipient.getPublic().getEncoded())).build();
  }

  private static PromotePayloadKeyRequest promote(String tenant, String api, String hop,
      String keyId) {
    return PromotePayloadKeyRequest.newBuilder().setTenantId(tenant).setApiId(api).setHop(hop)
        .setKeyId(keyId).build();
  }

  /** The backend ring this node's snapshot holds: what the data path seals under. */
  private static PayloadKeyRing nodeRing(String api) {
    return admin.snapshots.current().payload(api).backend().orElseThrow();
  }

  @Test
  void stagedKey_isAcceptedNotCurrent_theNodeSealsUnderTheOldOne_untilPromoted()
      throws Exception {
    String api = "acme-staged";
    register(api);
    AdminServiceBlockingStub acme = admin.as(admin.acmeAdmin);
    int mark = admin.audit.mark();

    byte[] b1 = opened(acme.issuePayloadKey(issue(ACME, api, "backend", "b-1", false)));
    IssuedPayloadKey staged = acme.issuePayloadKey(issue(ACME, api, "backend", "b-2", true));
    assertThat(staged.getKey().getCurrent()).isFalse();
    byte[] b2 = opened(staged);
    assertThat(acme.listPayloadKeys(ListPayloadKeysRequest.newBuilder().setTenantId(ACME)
            .setApiId(api).build()).getKeysList())
        .extracting(PayloadKeyInfo::getHop, PayloadKeyInfo::getKeyId, PayloadKeyInfo::getCurrent)
        .containsExactly(Tuple.tuple("backend", "b-1", true), Tuple.tuple("backend", "b-2", false));

    // Before promotion the node still seals under b-1 (what the backend holds) ...
    PayloadKeyRing before = nodeRing(api);
    assertThat(before.current()).isEqualTo("b-1");
    assertThat(softwareOpen(b1, hsm.seal(before.currentKey(), bytes("m1"), AAD))).isEqualTo("m1");
    // ... and the staged key already opens (a client hop's apps may switch early).
    assertThat(new String(hsm.open(before.find("b-2").orElseThrow(), iv(), softwareSeal(b2, "m2"),
        AAD), StandardCharsets.UTF_8)).isEqualTo("m2");

    acme.promotePayloadKey(promote(ACME, api, "backend", "b-2"));
    PayloadKeyRing after = nodeRing(api);
    assertThat(after.current()).as("this node's snapshot follows at once").isEqualTo("b-2");
    assertThat(softwareOpen(b2, hsm.seal(after.currentKey(), bytes("m3"), AAD))).isEqualTo("m3");
    assertThat(new String(hsm.open(after.find("b-1").orElseThrow(), iv(), softwareSeal(b1, "m4"),
        AAD), StandardCharsets.UTF_8)).as("the old key still opens").isEqualTo("m4");
    assertThat(admin.database.payloadKeys().ring(api, Hop.BACKEND).orElseThrow().current())
        .isEqualTo("b-2");

    assertThat(admin.audit.since(mark))
        .extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::detail)
        .containsExactly(
            Tuple.tuple("payload-key.issue", AuditEvent.Outcome.SUCCESS, "hop=backend key=b-1"),
            Tuple.tuple("payload-key.issue", AuditEvent.Outcome.SUCCESS,
                "hop=backend key=b-2 staged"),
            Tuple.tuple("payload-key.list", AuditEvent.Outcome.SUCCESS, ""),
            Tuple.tuple("payload-key.promote", AuditEvent.Outcome.SUCCESS,
                "hop=backend key=b-2"));
  }

  @Test
  void promote_tenantAdminAndOfficer_may_auditorAndOtherTenants_mayNot() throws Exception {
    String api = "acme-roles";
    register(api);
    AdminServiceBlockingStub acme = admin.as(admin.acmeAdmin);
    acme.issuePayloadKey(issue(ACME, api, "backend", "b-1", false));
    acme.issuePayloadKey(issue(ACME, api, "backend", "b-2", true));
    acme.issuePayloadKey(issue(ACME, api, "backend", "b-3", true));
    int mark = admin.audit.mark();

    assertThat(Calls.status(() -> admin.as(admin.auditor)
            .promotePayloadKey(promote(ACME, api, "backend", "b-2"))))
        .isEqualTo(Calls.refusal(Status.Code.PERMISSION_DENIED, "PermissionDenied"));
    // Attack: another tenant's admin, naming this tenant or its own.
    AdminServiceBlockingStub globex = admin.as(admin.globexAdmin);
    assertThat(Calls.status(() -> globex.promotePayloadKey(promote(ACME, api, "backend", "b-2"))))
        .isEqualTo(Calls.refusal(Status.Code.PERMISSION_DENIED, "PermissionDenied"));
    assertThat(Calls.status(() -> globex.promotePayloadKey(
            promote(GLOBEX, api, "backend", "b-2"))))
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "NotFound"));
    assertThat(Calls.status(() -> globex.issuePayloadKey(
            issue(ACME, api, "backend", "b-9", true))))
        .isEqualTo(Calls.refusal(Status.Code.PERMISSION_DENIED, "PermissionDenied"));
    assertThat(Calls.status(() -> globex.issuePayloadKey(
            issue(GLOBEX, api, "backend", "b-9", true))))
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "NotFound"));
    assertThat(nodeRing(api).current()).isEqualTo("b-1");
    assertThat(nodeRing(api).keys().keySet()).containsExactlyInAnyOrder("b-1", "b-2", "b-3");

    admin.as(admin.officer).promotePayloadKey(promote(ACME, api, "backend", "b-2"));
    assertThat(nodeRing(api).current()).isEqualTo("b-2");
    acme.promotePayloadKey(promote(ACME, api, "backend", "b-3"));
    assertThat(nodeRing(api).current()).isEqualTo("b-3");
    assertThat(admin.database.payloadKeys().ring(api, Hop.BACKEND).orElseThrow().keys().keySet())
        .as("promotion removes nothing").containsExactlyInAnyOrder("b-1", "b-2", "b-3");

    assertThat(admin.audit.since(mark))
        .extracting(AuditEvent::action, AuditEvent::outcome)
        .containsExactly(
            Tuple.tuple("payload-key.promote", AuditEvent.Outcome.DENIED),
            Tuple.tuple("payload-key.promote", AuditEvent.Outcome.DENIED),
            Tuple.tuple("payload-key.promote", AuditEvent.Outcome.FAILED),
            Tuple.tuple("payload-key.issue", AuditEvent.Outcome.DENIED),
            Tuple.tuple("payload-key.issue", AuditEvent.Outcome.FAILED),
            Tuple.tuple("payload-key.promote", AuditEvent.Outcome.SUCCESS),
            Tuple.tuple("payload-key.promote", AuditEvent.Outcome.SUCCESS));
  }

  @Test
  void badRequests_areRefused_andChangeNothing_promotingTheCurrentKeyIsHarmless()
      throws Exception {
    String api = "acme-bad";
    register(api);
    AdminServiceBlockingStub acme = admin.as(admin.acmeAdmin);
    // A staged key needs a current key to stand behind; refused before the HSM makes one.
    assertThat(Calls.status(() -> acme.issuePayloadKey(issue(ACME, api, "backend", "b-0", true))))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "PayloadKeyNoCurrent"));
    assertThat(admin.database.payloadKeys().ring(api, Hop.BACKEND)).isEmpty();
    assertThat(Calls.status(() -> acme.promotePayloadKey(promote(ACME, api, "backend", "b-0"))))
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "NotFound"));

    acme.issuePayloadKey(issue(ACME, api, "backend", "b-1", false));
    acme.issuePayloadKey(issue(ACME, api, "backend", "b-2", true));
    assertThat(Calls.status(() -> acme.promotePayloadKey(promote(ACME, api, "backend", "b-7"))))
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "NotFound"));
    assertThat(Calls.status(() -> acme.promotePayloadKey(promote(ACME, api, "client", "b-2"))))
        .as("the key is in the other hop's ring only")
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "NotFound"));
    assertThat(Calls.status(() -> acme.promotePayloadKey(promote(ACME, api, "sideways", "b-2")))
        .status()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(Calls.status(() -> acme.promotePayloadKey(promote(ACME, api, "backend", "B 2")))
        .status()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(Calls.status(() -> acme.promotePayloadKey(promote(ACME, "no-such-api", "backend",
        "b-2")))).isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "NotFound"));
    assertThat(nodeRing(api).current()).isEqualTo("b-1");

    long version = admin.snapshots.current().version();
    assertThat(acme.promotePayloadKey(promote(ACME, api, "backend", "b-1")).getKeysList())
        .extracting(PayloadKeyInfo::getKeyId, PayloadKeyInfo::getCurrent)
        .containsExactly(Tuple.tuple("b-1", true), Tuple.tuple("b-2", false));
    assertThat(admin.snapshots.current().version()).as("no config version written")
        .isEqualTo(version);
  }

  private static byte[] opened(IssuedPayloadKey issued) throws Exception {
    Cipher rsa = Cipher.getInstance(WrappedMacKeys.RECIPIENT_CIPHER);
    rsa.init(Cipher.DECRYPT_MODE, recipient.getPrivate());
    return rsa.doFinal(issued.getKeyForRecipient().toByteArray());
  }

  private static byte[] iv() {
    return new byte[GcmSealed.IV_BYTES];
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** What the backend (or an app) does with the key it was handed. */
  private static byte[] softwareSeal(byte[] key, String text) throws Exception {
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv()));
    gcm.updateAAD(AAD);
    return gcm.doFinal(bytes(text));
  }

  private static String softwareOpen(byte[] key, GcmSealed sealed) throws Exception {
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
        new GCMParameterSpec(128, sealed.iv()));
    gcm.updateAAD(AAD);
    return new String(gcm.doFinal(sealed.ciphertextAndTag()), StandardCharsets.UTF_8);
  }
}
