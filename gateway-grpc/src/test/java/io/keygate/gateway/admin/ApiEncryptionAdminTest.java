package io.keygate.gateway.admin;

import static io.keygate.gateway.admin.AdminFixture.ACME;
import static io.keygate.gateway.admin.AdminFixture.GLOBEX;
import static io.keygate.proto.admin.v1.EncryptionPolicy.ENCRYPTION_BOTH;
import static io.keygate.proto.admin.v1.EncryptionPolicy.ENCRYPTION_CLIENT;
import static io.keygate.proto.admin.v1.EncryptionPolicy.ENCRYPTION_NONE;
import static io.keygate.proto.admin.v1.EncryptionPolicy.ENCRYPTION_POLICY_UNSPECIFIED;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.keygate.gateway.audit.AuditEvent;
import io.keygate.gateway.model.EncryptionPolicy;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.Api;
import io.keygate.gateway.payload.PayloadKeyStore;
import io.keygate.proto.admin.v1.ListApisRequest;
import io.keygate.proto.admin.v1.ListPayloadKeysRequest;
import io.keygate.proto.admin.v1.ListPayloadKeysResponse;
import io.keygate.proto.admin.v1.PayloadKeyInfo;
import io.keygate.proto.admin.v1.RegisterApiRequest;
import io.keygate.proto.admin.v1.SetApiEncryptionRequest;
import io.keygate.proto.admin.v1.UpdateApiRequest;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An API's payload encryption policy through the admin API (1.8): acme's tenant-admin and a
 * security officer set it, audited; another tenant's admin cannot change it (e.g. downgrade it to
 * none); RegisterApi and UpdateApi never touch it.
 */
class ApiEncryptionAdminTest {
  @RegisterExtension
  static SoftHsmTokens tokens = new SoftHsmTokens("admin");

  static AdminFixture admin;
  private static final String API = "acme-sealed";

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

  private static Api api() {
    return Api.newBuilder()
        .setTenantId(ACME)
        .setId(API)
        .setMethodName("acme.v1.Sealed/Put")
        .setDomain(AdminFixture.ACME_DOMAIN)
        .setBackendTarget(AdminFixture.BACKEND)
        .build();
  }

  private static SetApiEncryptionRequest set(
      String tenant, io.keygate.proto.admin.v1.EncryptionPolicy policy) {
    return SetApiEncryptionRequest.newBuilder()
        .setTenantId(tenant).setApiId(API).setEncryption(policy).build();
  }

  private static EncryptionPolicy stored() throws Exception {
    return admin.database.payloadKeys().policy(API);
  }

  @Test
  void tenantAdminAndOfficer_setThePolicy_audited_andNoOtherTenantChangesIt() throws Exception {
    AdminServiceBlockingStub acme = admin.as(admin.acmeAdmin);
    Api registered = acme.registerApi(RegisterApiRequest.newBuilder()
        .setApi(api().toBuilder().setEncryption(ENCRYPTION_BOTH)).build());
    assertThat(registered.getEncryption()).isEqualTo(ENCRYPTION_NONE); // output only
    int mark = admin.audit.mark();

    assertThat(acme.setApiEncryption(set(ACME, ENCRYPTION_BOTH)).getEncryption())
        .isEqualTo(ENCRYPTION_BOTH);
    assertThat(stored()).isEqualTo(EncryptionPolicy.BOTH);
    assertThat(admin.snapshots.current().payload(API).policy())
        .as("this node's snapshot follows at once").isEqualTo(EncryptionPolicy.BOTH);
    assertThat(admin.audit.since(mark))
        .extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::detail)
        .containsExactly(Tuple.tuple("api.encryption.set", AuditEvent.Outcome.SUCCESS,
            AdminFixture.ACME_DOMAIN + " acme.v1.Sealed/Put -> " + AdminFixture.BACKEND
                + " SIGNATURE encryption=ENCRYPTION_BOTH"));

    // UpdateApi keeps the policy whatever its Api says.
    acme.updateApi(UpdateApiRequest.newBuilder()
        .setApi(api().toBuilder().setEncryption(ENCRYPTION_NONE)).build());
    assertThat(stored()).isEqualTo(EncryptionPolicy.BOTH);

    admin.as(admin.officer).setApiEncryption(set(ACME, ENCRYPTION_CLIENT));
    assertThat(acme.listApis(ListApisRequest.newBuilder().setTenantId(ACME).build())
            .getApisList())
        .filteredOn(a -> a.getId().equals(API))
        .extracting(Api::getEncryption)
        .containsExactly(ENCRYPTION_CLIENT);

    // Globex's admin tries to downgrade acme's API to plaintext: naming acme (the policy refuses)
    // and naming its own tenant with acme's API id (the tenant-scoped read finds nothing).
    AdminServiceBlockingStub globex = admin.as(admin.globexAdmin);
    mark = admin.audit.mark();
    assertThat(Calls.status(() -> globex.setApiEncryption(set(ACME, ENCRYPTION_NONE))))
        .isEqualTo(Calls.refusal(Status.Code.PERMISSION_DENIED, "PermissionDenied"));
    assertThat(Calls.status(() -> globex.setApiEncryption(set(GLOBEX, ENCRYPTION_NONE))))
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "NotFound"));
    // Unset and unknown policies are refused before anything is written.
    assertThat(Calls.status(() -> acme.setApiEncryption(set(ACME, ENCRYPTION_POLICY_UNSPECIFIED)))
            .status())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(Calls.status(() -> acme.setApiEncryption(
            set(ACME, ENCRYPTION_NONE).toBuilder().setEncryptionValue(99).build())).status())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);

    assertThat(stored()).isEqualTo(EncryptionPolicy.CLIENT);
    assertThat(admin.audit.since(mark))
        .extracting(AuditEvent::action, AuditEvent::outcome)
        .containsExactly(
            Tuple.tuple("api.encryption.set", AuditEvent.Outcome.DENIED),
            Tuple.tuple("api.encryption.set", AuditEvent.Outcome.FAILED),
            Tuple.tuple("api.encryption.set", AuditEvent.Outcome.FAILED),
            Tuple.tuple("api.encryption.set", AuditEvent.Outcome.FAILED));
  }

  @Test
  void issuingAPayloadKey_onANodeWithoutAPayloadKek_isRefused() throws Exception {
    AdminServiceBlockingStub acme = admin.as(admin.acmeAdmin);
    acme.registerApi(RegisterApiRequest.newBuilder()
        .setApi(api().toBuilder().setId("acme-nokek").setMethodName("acme.v1.Sealed/NoKek"))
        .build());
    assertThat(Calls.status(() -> acme.issuePayloadKey(
            io.keygate.proto.admin.v1.IssuePayloadKeyRequest.newBuilder().setTenantId(ACME)
                .setApiId("acme-nokek").setHop("client").setKeyId("c-1")
                .setRecipientPublicKey(com.google.protobuf.ByteString.copyFrom(
                    io.keygate.hsm.testing.RsaTestKeys.rsa3072(0).getPublic().getEncoded()))
                .build())))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "PayloadKekRequired"));
    assertThat(admin.database.payloadKeys().ring("acme-nokek", PayloadKeyStore.Hop.CLIENT))
        .isEmpty();
  }

  @Test
  void payloadKeys_areListedByIdAndRole_neverByKey_andOnlyToTheirTenantAndOfficers()
      throws Exception {
    String api = "acme-keys";
    admin.as(admin.acmeAdmin).registerApi(RegisterApiRequest.newBuilder()
        .setApi(api().toBuilder().setId(api).setMethodName("acme.v1.Sealed/Keys")).build());
    byte[] blob = new byte[40];
    java.util.Arrays.fill(blob, (byte) 0x5a);
    var keys = admin.database.payloadKeys();
    var kek = io.keygate.hsm.KekId.of("pk-test");
    keys.addCurrentKey(api, PayloadKeyStore.Hop.CLIENT, "c-1",
        new io.keygate.hsm.WrappedSecret(kek, blob), java.time.Instant.EPOCH);
    keys.addCurrentKey(api, PayloadKeyStore.Hop.CLIENT, "c-2",
        new io.keygate.hsm.WrappedSecret(kek, blob), java.time.Instant.EPOCH);
    keys.addCurrentKey(api, PayloadKeyStore.Hop.BACKEND, "b-1",
        new io.keygate.hsm.WrappedSecret(kek, blob), java.time.Instant.EPOCH);
    ListPayloadKeysRequest list =
        ListPayloadKeysRequest.newBuilder().setTenantId(ACME).setApiId(api).build();

    for (AdminServiceBlockingStub caller :
        java.util.List.of(admin.as(admin.acmeAdmin), admin.as(admin.officer))) {
      ListPayloadKeysResponse reply = caller.listPayloadKeys(list);
      assertThat(reply.getKeysList())
          .extracting(PayloadKeyInfo::getHop, PayloadKeyInfo::getKeyId, PayloadKeyInfo::getCurrent)
          .containsExactly(Tuple.tuple("client", "c-1", false), Tuple.tuple("client", "c-2", true),
              Tuple.tuple("backend", "b-1", true));
      String wire = java.util.HexFormat.of().formatHex(reply.toByteArray());
      assertThat(wire).doesNotContain(java.util.HexFormat.of().formatHex(blob, 0, 8));
      assertThat(reply.toString()).doesNotContain(
          java.util.Base64.getEncoder().encodeToString(blob).substring(0, 12));
    }

    AdminServiceBlockingStub globex = admin.as(admin.globexAdmin);
    assertThat(Calls.status(() -> globex.listPayloadKeys(list)))
        .isEqualTo(Calls.refusal(Status.Code.PERMISSION_DENIED, "PermissionDenied"));
    assertThat(Calls.status(() -> globex.listPayloadKeys(
            list.toBuilder().setTenantId(GLOBEX).build())))
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "NotFound"));
  }
}
