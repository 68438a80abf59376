package io.keygate.gateway.admin;

import static io.keygate.gateway.admin.AdminFixture.ACME;
import static io.keygate.gateway.admin.AdminFixture.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.keygate.gateway.audit.AuditEvent;
import io.keygate.gateway.payload.PayloadKeyRing;
import io.keygate.gateway.payload.PayloadKeyStore.Hop;
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
import io.keygate.proto.admin.v1.PayloadKeyInfo;
import io.keygate.proto.admin.v1.RegisterApiRequest;
import io.keygate.proto.admin.v1.RetirePayloadKeyRequest;
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
 * Issuing and retiring payload keys through the admin API (1.9) on a real SoftHSM2 token: the key
 * is made in the HSM, stored wrapped under the payload KEK, made current, and reaches the tenant's
 * admin only encrypted to a one-time RSA key; the key handed out is the one the gateway uses.
 * Officers cannot issue one (they would hold a working key of the tenant), other tenants cannot
 * touch it, the current key cannot be retired, and every call is audited.
 */
class PayloadKeyAdminTest {
  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("payload-admin");

  private static final KekId KEK = KekId.of("pk1");
  private static final String API = "acme-sealed";
  static AdminFixture admin;
  static DirectPayloadKeys hsm;
  static KeyPair recipient;

  @BeforeAll
  static void start() throws Exception {
    try (DirectKekAdministration so = DirectKekAdministration.openAsSecurityOfficer(
        tokens.config("payload-admin"), Pin.fromFile(tokens.soPinFile()))) {
      so.generatePayloadKek(KEK);
    }
    hsm = DirectPayloadKeys.open(tokens.config("payload-admin"), tokens.pin(), 2, 16,
        Clock.systemUTC(), new SecureRandom());
    admin = new AdminFixture(tokens).withPayloadKeys(hsm, KEK).start("payload-admin");
    admin.as(admin.acmeAdmin).registerApi(RegisterApiRequest.newBuilder().setApi(Api.newBuilder()
        .setTenantId(ACME).setId(API).setMethodName("acme.v1.Sealed/Put")
        .setDomain(AdminFixture.ACME_DOMAIN).setBackendTarget(AdminFixture.BACKEND)).build());
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

  private static IssuePayloadKeyRequest issue(String tenant, String hop, String keyId) {
    return IssuePayloadKeyRequest.newBuilder().setTenantId(tenant).setApiId(API).setHop(hop)
        .setKeyId(keyId)
        .setRecipientPublicKey(ByteString.copyFrom(recipient.getPublic().getEncoded())).build();
  }

  private static RetirePayloadKeyRequest retire(String tenant, String hop, String keyId) {
    return RetirePayloadKeyRequest.newBuilder().setTenantId(tenant).setApiId(API).setHop(hop)
        .setKeyId(keyId).build();
  }

  @Test
  void tenantAdmin_issuesAKeyInTheHsm_theGatewayUsesTheKeyHandedOut_andRotates()
      throws Exception {
    AdminServiceBlockingStub acme = admin.as(admin.acmeAdmin);
    int mark = admin.audit.mark();

    IssuedPayloadKey first = acme.issuePayloadKey(issue(ACME, "client", "c-1"));
    assertThat(first.getKey().getCurrent()).isTrue();
    byte[] key = opened(first);
    assertThat(key).hasSize(32);

    // An app seals with the key it was handed; the gateway opens with the stored blob, in the HSM.
    PayloadKeyRing ring = admin.database.payloadKeys().ring(API, Hop.CLIENT).orElseThrow();
    assertThat(ring.current()).isEqualTo("c-1");
    assertThat(ring.currentKey().kek()).isEqualTo(KEK);
    byte[] iv = new byte[12];
    byte[] aad = "aad".getBytes(StandardCharsets.US_ASCII);
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
    gcm.updateAAD(aad);
    byte[] sealed = gcm.doFinal("pay 1 EUR to bob".getBytes(StandardCharsets.UTF_8));
    assertThat(new String(hsm.open(ring.currentKey(), iv, sealed, aad), StandardCharsets.UTF_8))
        .isEqualTo("pay 1 EUR to bob");

    // Rotation: the new key is current, the old one still accepted until retired.
    acme.issuePayloadKey(issue(ACME, "client", "c-2"));
    assertThat(Calls.status(() -> acme.retirePayloadKey(retire(ACME, "client", "c-2"))))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "PayloadKeyCurrent"));
    assertThat(admin.as(admin.officer).retirePayloadKey(retire(ACME, "client", "c-1"))
            .getKeysList())
        .filteredOn(k -> k.getHop().equals("client"))
        .extracting(PayloadKeyInfo::getHop, PayloadKeyInfo::getKeyId, PayloadKeyInfo::getCurrent)
        .containsExactly(Tuple.tuple("client", "c-2", true));
    assertThat(admin.snapshots.current().payload(API).client().orElseThrow().keys().keySet())
        .as("this node's snapshot follows at once").containsExactly("c-2");

    assertThat(admin.audit.since(mark))
        .extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::detail)
        .containsExactly(
            Tuple.tuple("payload-key.issue", AuditEvent.Outcome.SUCCESS, "hop=client key=c-1"),
            Tuple.tuple("payload-key.issue", AuditEvent.Outcome.SUCCESS, "hop=client key=c-2"),
            Tuple.tuple("payload-key.retire", AuditEvent.Outcome.FAILED, "PayloadKeyCurrent"),
            Tuple.tuple("payload-key.retire", AuditEvent.Outcome.SUCCESS, ""));
  }

  @Test
  void officersAndOtherTenants_cannotIssue_andBadRequestsStoreNothing() throws Exception {
    // An officer holding a working key of a tenant's API could read its traffic, alone.
    assertThat(Calls.status(() -> admin.as(admin.officer)
            .issuePayloadKey(issue(ACME, "backend", "b-9"))))
        .isEqualTo(Calls.refusal(Status.Code.PERMISSION_DENIED, "PermissionDenied"));
    AdminServiceBlockingStub globex = admin.as(admin.globexAdmin);
    assertThat(Calls.status(() -> globex.issuePayloadKey(issue(ACME, "backend", "b-9"))))
        .isEqualTo(Calls.refusal(Status.Code.PERMISSION_DENIED, "PermissionDenied"));
    assertThat(Calls.status(() -> globex.issuePayloadKey(issue(GLOBEX, "backend", "b-9"))))
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "NotFound"));
    assertThat(Calls.status(() -> globex.retirePayloadKey(retire(GLOBEX, "client", "c-1"))))
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "NotFound"));

    AdminServiceBlockingStub acme = admin.as(admin.acmeAdmin);
    assertThat(Calls.status(() -> acme.issuePayloadKey(issue(ACME, "sideways", "b-9"))).status())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(Calls.status(() -> acme.issuePayloadKey(issue(ACME, "backend", "B 9"))).status())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(Calls.status(() -> acme.issuePayloadKey(
            issue(ACME, "backend", "b-9").toBuilder().clearRecipientPublicKey().build())))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "RecipientKeyRequired"));
    assertThat(admin.database.payloadKeys().ring(API, Hop.BACKEND)).isEmpty();

    acme.issuePayloadKey(issue(ACME, "backend", "b-1"));
    assertThat(Calls.status(() -> acme.issuePayloadKey(issue(ACME, "backend", "b-1"))))
        .isEqualTo(Calls.refusal(Status.Code.ALREADY_EXISTS, "AlreadyExists"));
  }

  private static byte[] opened(IssuedPayloadKey issued) throws Exception {
    Cipher rsa = Cipher.getInstance(WrappedMacKeys.RECIPIENT_CIPHER);
    rsa.init(Cipher.DECRYPT_MODE, recipient.getPrivate());
    return rsa.doFinal(issued.getKeyForRecipient().toByteArray());
  }
}
