package io.keygate.gateway.admin;

import static io.keygate.gateway.admin.AdminFixture.ACME;
import static io.keygate.gateway.admin.AdminFixture.GLOBEX;
import static io.keygate.proto.admin.v1.SignatureRequirement.SIGNATURE_REQUIREMENT_UNSPECIFIED;
import static io.keygate.proto.admin.v1.SignatureRequirement.SIGNATURE_V1_OR_V2;
import static io.keygate.proto.admin.v1.SignatureRequirement.SIGNATURE_V2_REQUIRED;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.keygate.gateway.audit.AuditEvent;
import io.keygate.gateway.model.SignatureRequirement;
import io.keygate.gateway.model.SignatureRequirements;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.Api;
import io.keygate.proto.admin.v1.ListApisRequest;
import io.keygate.proto.admin.v1.RegisterApiRequest;
import io.keygate.proto.admin.v1.SetSignatureRequirementRequest;
import io.keygate.proto.admin.v1.SignatureRequirementState;
import io.keygate.proto.admin.v1.UpdateApiRequest;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Signature version requirements through the admin API (1.10): an API's own, set by its tenant's
 * admin or a security officer; a tenant's default, a floor set by officers only, which the
 * tenant's admin cannot lower. Every change is audited and in this node's snapshot at once; bad
 * input is refused with INVALID_ARGUMENT and nothing is written.
 */
class SignatureRequirementAdminTest {
  @RegisterExtension
  static SoftHsmTokens tokens = new SoftHsmTokens("admin");

  static AdminFixture admin;
  private static final String API = "acme-orders";

  @BeforeAll
  static void start() throws Exception {
    admin = new AdminFixture(tokens).start("admin");
    admin.as(admin.acmeAdmin).registerApi(RegisterApiRequest.newBuilder().setApi(api()).build());
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
        .setMethodName("acme.v1.Orders/Place")
        .setDomain(AdminFixture.ACME_DOMAIN)
        .setBackendTarget(AdminFixture.BACKEND)
        .build();
  }

  private static SetSignatureRequirementRequest forApi(
      String tenant, io.keygate.proto.admin.v1.SignatureRequirement requirement) {
    return SetSignatureRequirementRequest.newBuilder()
        .setTenantId(tenant).setApiId(API).setRequirement(requirement).build();
  }

  private static SetSignatureRequirementRequest forTenant(
      String tenant, io.keygate.proto.admin.v1.SignatureRequirement requirement) {
    return SetSignatureRequirementRequest.newBuilder()
        .setTenantId(tenant).setRequirement(requirement).build();
  }

  private static SignatureRequirements stored() throws Exception {
    return admin.database.signatureRequirements().all();
  }

  private static io.keygate.proto.admin.v1.SignatureRequirement listed(
      AdminServiceBlockingStub as) {
    return as.listApis(ListApisRequest.newBuilder().setTenantId(ACME).build()).getApisList()
        .stream().filter(a -> a.getId().equals(API)).findFirst().orElseThrow()
        .getSignatureRequirement();
  }

  @Test
  void tenantAdmin_requiresV2OnItsApi_audited_inTheSnapshotAtOnce_andRelaxesItAgain()
      throws Exception {
    AdminServiceBlockingStub acme = admin.as(admin.acmeAdmin);
    assertThat(listed(acme)).as("the default").isEqualTo(SIGNATURE_V1_OR_V2);
    int mark = admin.audit.mark();

    SignatureRequirementState state = acme.setSignatureRequirement(forApi(ACME,
        SIGNATURE_V2_REQUIRED));

    assertThat(state).isEqualTo(SignatureRequirementState.newBuilder().setTenantId(ACME)
        .setApiId(API).setTenantDefault(SIGNATURE_V1_OR_V2)
        .setApiRequirement(SIGNATURE_V2_REQUIRED).setEffective(SIGNATURE_V2_REQUIRED).build());
    assertThat(stored().apiRequirements()).isEqualTo(Map.of(API, SignatureRequirement.V2));
    var snapshot = admin.snapshots.current();
    assertThat(snapshot.signatureRequirement(snapshot.api(API).orElseThrow()))
        .as("this node's snapshot follows at once").isEqualTo(SignatureRequirement.V2);
    assertThat(listed(acme)).isEqualTo(SIGNATURE_V2_REQUIRED);
    assertThat(admin.audit.since(mark))
        .filteredOn(e -> !e.action().equals("api.list"))
        .extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::target,
            AuditEvent::detail)
        .containsExactly(Tuple.tuple("api.signature.set", AuditEvent.Outcome.SUCCESS,
            "tenant/acme/api/" + API,
            "set=SIGNATURE_V2_REQUIRED effective=SIGNATURE_V2_REQUIRED"));

    // UpdateApi keeps the requirement whatever its Api says (output only).
    acme.updateApi(UpdateApiRequest.newBuilder()
        .setApi(api().toBuilder().setSignatureRequirement(SIGNATURE_V1_OR_V2)).build());
    assertThat(listed(acme)).isEqualTo(SIGNATURE_V2_REQUIRED);

    acme.setSignatureRequirement(forApi(ACME, SIGNATURE_V1_OR_V2));
    assertThat(stored()).isEqualTo(SignatureRequirements.NONE);
    assertThat(listed(acme)).isEqualTo(SIGNATURE_V1_OR_V2);
  }

  @Test
  void officer_setsTheTenantsFloor_whichTheTenantsAdminCannotLower() throws Exception {
    AdminServiceBlockingStub acme = admin.as(admin.acmeAdmin);
    AdminServiceBlockingStub officer = admin.as(admin.officer);
    try {
      assertThat(officer.setSignatureRequirement(forTenant(ACME, SIGNATURE_V2_REQUIRED)))
          .isEqualTo(SignatureRequirementState.newBuilder().setTenantId(ACME)
              .setTenantDefault(SIGNATURE_V2_REQUIRED).setEffective(SIGNATURE_V2_REQUIRED)
              .build());
      assertThat(listed(acme)).as("the floor reaches every API").isEqualTo(SIGNATURE_V2_REQUIRED);

      int mark = admin.audit.mark();
      // The tenant's admin may set its API's own requirement, but that does not lower the floor...
      assertThat(acme.setSignatureRequirement(forApi(ACME, SIGNATURE_V1_OR_V2)).getEffective())
          .isEqualTo(SIGNATURE_V2_REQUIRED);
      // ...and it may not touch the floor itself.
      assertThat(Calls.status(() -> acme.setSignatureRequirement(
              forTenant(ACME, SIGNATURE_V1_OR_V2))))
          .isEqualTo(Calls.refusal(Status.Code.PERMISSION_DENIED, "PermissionDenied"));
      assertThat(stored().tenantDefault(ACME)).isEqualTo(SignatureRequirement.V2);
      assertThat(admin.audit.since(mark))
          .filteredOn(e -> !e.action().equals("api.list"))
          .extracting(AuditEvent::action, AuditEvent::outcome)
          .containsExactly(
              Tuple.tuple("api.signature.set", AuditEvent.Outcome.SUCCESS),
              Tuple.tuple("tenant.signature.set", AuditEvent.Outcome.DENIED));
    } finally {
      officer.setSignatureRequirement(forTenant(ACME, SIGNATURE_V1_OR_V2));
    }
    assertThat(stored()).isEqualTo(SignatureRequirements.NONE);
  }

  @Test
  void badInput_andOtherTenants_areRefusedWithAClearStatus_andNothingIsWritten()
      throws Exception {
    AdminServiceBlockingStub acme = admin.as(admin.acmeAdmin);
    AdminServiceBlockingStub globex = admin.as(admin.globexAdmin);
    int mark = admin.audit.mark();

    // Unset and unknown requirements.
    assertThat(Calls.status(() -> acme.setSignatureRequirement(
            forApi(ACME, SIGNATURE_REQUIREMENT_UNSPECIFIED))))
        .isEqualTo(Calls.refusal(Status.Code.INVALID_ARGUMENT, "InvalidArgument"));
    assertThat(Calls.status(() -> acme.setSignatureRequirement(
            forApi(ACME, SIGNATURE_V2_REQUIRED).toBuilder().setRequirementValue(7).build()))
        .status()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    // An API that does not exist, and a tenant that does not exist (an officer's typo).
    assertThat(Calls.status(() -> acme.setSignatureRequirement(
            forApi(ACME, SIGNATURE_V2_REQUIRED).toBuilder().setApiId("no-such-api").build()))
        .status()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(Calls.status(() -> admin.as(admin.officer).setSignatureRequirement(
            forTenant("no-such-tenant", SIGNATURE_V2_REQUIRED))).status())
        .isEqualTo(Status.Code.NOT_FOUND);
    // Globex's admin cannot relax (or tighten) acme's API: naming acme, or its own tenant.
    assertThat(Calls.status(() -> globex.setSignatureRequirement(
            forApi(ACME, SIGNATURE_V2_REQUIRED))))
        .isEqualTo(Calls.refusal(Status.Code.PERMISSION_DENIED, "PermissionDenied"));
    assertThat(Calls.status(() -> globex.setSignatureRequirement(
            forApi(GLOBEX, SIGNATURE_V2_REQUIRED))))
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "NotFound"));
    // An auditor reads only.
    assertThat(Calls.status(() -> admin.as(admin.auditor).setSignatureRequirement(
            forApi(ACME, SIGNATURE_V2_REQUIRED))).status())
        .isEqualTo(Status.Code.PERMISSION_DENIED);

    assertThat(stored()).isEqualTo(SignatureRequirements.NONE);
    assertThat(admin.audit.since(mark)).extracting(AuditEvent::outcome).containsExactly(
        AuditEvent.Outcome.FAILED, AuditEvent.Outcome.FAILED, AuditEvent.Outcome.FAILED,
        AuditEvent.Outcome.FAILED, AuditEvent.Outcome.DENIED, AuditEvent.Outcome.FAILED,
        AuditEvent.Outcome.DENIED);
  }
}
