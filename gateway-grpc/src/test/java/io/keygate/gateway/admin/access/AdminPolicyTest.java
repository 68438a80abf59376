package io.keygate.gateway.admin.access;

import static io.keygate.gateway.admin.access.AdminAction.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The whole role × operation × tenant table, without gRPC. */
class AdminPolicyTest {
  private final AdminPolicy policy = new AdminPolicy();
  private final AdminPrincipal officer =
      AdminPrincipal.officer(IdentityMatch.subject("CN=officer"));
  private final AdminPrincipal auditor =
      AdminPrincipal.auditor(IdentityMatch.subject("CN=auditor"));
  private final AdminPrincipal acmeAdmin =
      AdminPrincipal.tenantAdmin(IdentityMatch.subject("CN=acme-admin"), "acme");

  private static final Set<AdminAction> CREDENTIAL_ISSUING =
      EnumSet.of(CREDENTIAL_CREATE, CREDENTIAL_ADD, CREDENTIAL_BULK_CREATE);
  private static final Set<AdminAction> CREDENTIAL_ENDING =
      EnumSet.of(CREDENTIAL_RETIRE, CREDENTIAL_REVOKE);
  private static final Set<AdminAction> TENANT_CONFIG_WRITES = EnumSet.of(
      APP_CREATE,
      API_REGISTER,
      API_UPDATE,
      API_REMOVE,
      GRANT_CREATE,
      GRANT_REVOKE,
      AUTHORIZATION_CREATE,
      AUTHORIZATION_REVOKE);

  @Test
  void officer_endsCredentials_managesTenantsAppsAndPrincipals_inAnyTenant() {
    for (AdminAction a : List.of(
        CREDENTIAL_RETIRE,
        CREDENTIAL_REVOKE,
        PAYLOAD_KEY_RETIRE,
        PAYLOAD_KEY_PROMOTE,
        TENANT_CREATE,
        APP_CREATE,
        PRINCIPAL_ADD,
        PRINCIPAL_REMOVE)) {
      assertThat(policy.decide(officer, a, "acme")).as(a.name()).isEqualTo(AdminDecision.ALLOW);
      assertThat(policy.decide(officer, a, "globex")).as(a.name()).isEqualTo(AdminDecision.ALLOW);
    }
  }

  @Test
  void officer_doesNotIssueCredentialsRegisterApisGrantOrAuthorize_separationOfDuties() {
    // An officer holding a working secret of any tenant's app could act as that tenant.
    for (AdminAction a : List.of(
        CREDENTIAL_CREATE,
        CREDENTIAL_ADD,
        CREDENTIAL_BULK_CREATE,
        PAYLOAD_KEY_ISSUE,
        API_REGISTER,
        API_UPDATE,
        API_REMOVE,
        GRANT_CREATE,
        GRANT_REVOKE,
        AUTHORIZATION_CREATE,
        AUTHORIZATION_REVOKE)) {
      assertThat(policy.decide(officer, a, "acme"))
          .as(a.name())
          .isEqualTo(AdminDecision.DENIED_ROLE);
    }
  }

  @Test
  void tenantAdmin_configuresAppsApisGrantsAuthorizationsAndCredentials_ofItsOwnTenant() {
    for (AdminAction a : TENANT_CONFIG_WRITES) {
      assertThat(policy.decide(acmeAdmin, a, "acme")).as(a.name()).isEqualTo(AdminDecision.ALLOW);
    }
    for (AdminAction a : List.of(APP_LIST, API_LIST, GRANT_LIST, AUTHORIZATION_LIST,
        CREDENTIAL_CREATE, CREDENTIAL_ADD, CREDENTIAL_BULK_CREATE, CREDENTIAL_RETIRE,
        CREDENTIAL_REVOKE, CREDENTIAL_LIST)) {
      assertThat(policy.decide(acmeAdmin, a, "acme")).as(a.name()).isEqualTo(AdminDecision.ALLOW);
    }
  }

  @Test
  void tenantAdmin_isDeniedEveryOperationItMayDo_whenTheRequestNamesAnotherOrNoTenant() {
    for (AdminAction a : policy.allowedFor(AdminRole.TENANT_ADMIN)) {
      if (a == WHO_AM_I) {
        continue;
      }
      for (String other : new String[] {"globex", "ACME", "acme ", "", null}) {
        assertThat(policy.decide(acmeAdmin, a, other))
            .as(a + " in " + other)
            .isEqualTo(AdminDecision.DENIED_OTHER_TENANT);
      }
    }
  }

  @Test
  void tenantAdmin_neverTouchesTenantsPrincipalsOrTheAuditLog_evenOfItsOwnTenant() {
    for (AdminAction a : List.of(
        TENANT_CREATE,
        TENANT_LIST,
        PRINCIPAL_ADD,
        PRINCIPAL_REMOVE,
        PRINCIPAL_LIST,
        AUDIT_TAIL,
        AUDIT_QUERY,
        AUDIT_VERIFY)) {
      assertThat(policy.decide(acmeAdmin, a, "acme"))
          .as(a.name())
          .isEqualTo(AdminDecision.DENIED_ROLE);
    }
  }

  @Test
  void tenantAdmin_mayOnlyDoTenantScopedOperations_soTheTenantCheckAlwaysApplies() {
    assertThat(policy.allowedFor(AdminRole.TENANT_ADMIN))
        .allMatch(a -> a.scope() == AdminAction.Scope.TENANT || a == WHO_AM_I);
  }

  @Test
  void auditor_readsEverythingInAnyTenant_andWritesNothing() {
    for (AdminAction a : AdminAction.values()) {
      AdminDecision expected = a.isRead() ? AdminDecision.ALLOW : AdminDecision.DENIED_ROLE;
      assertThat(policy.decide(auditor, a, "globex")).as(a.name()).isEqualTo(expected);
    }
  }

  @Test
  void auditLog_isReadByOfficersAndAuditors_neverByTenantAdmins_evenNamingTheirTenant() {
    for (AdminAction a : List.of(AUDIT_TAIL, AUDIT_QUERY, AUDIT_VERIFY)) {
      assertThat(a.isRead()).as(a.name()).isTrue();
      assertThat(a.scope()).as(a.name()).isEqualTo(AdminAction.Scope.GLOBAL);
      assertThat(policy.decide(officer, a, null)).as(a.name()).isEqualTo(AdminDecision.ALLOW);
      assertThat(policy.decide(auditor, a, null)).as(a.name()).isEqualTo(AdminDecision.ALLOW);
      for (String tenant : new String[] {"acme", "globex", null}) {
        assertThat(policy.decide(acmeAdmin, a, tenant))
            .as(a + " in " + tenant)
            .isEqualTo(AdminDecision.DENIED_ROLE);
      }
    }
    assertThat(List.of(AUDIT_TAIL, AUDIT_QUERY, AUDIT_VERIFY))
        .extracting(AdminAction::auditName)
        .containsExactly("audit.tail", "audit.query", "audit.verify");
  }

  @Test
  void unknownIdentity_isDeniedEverything_evenWhoAmI() {
    for (AdminAction a : AdminAction.values()) {
      assertThat(policy.decide(null, a, "acme"))
          .as(a.name())
          .isEqualTo(AdminDecision.DENIED_UNKNOWN_IDENTITY);
    }
  }

  @Test
  void everyRole_mayAskWhoItIs() {
    for (AdminPrincipal p : List.of(officer, auditor, acmeAdmin)) {
      assertThat(policy.decide(p, WHO_AM_I, null)).isEqualTo(AdminDecision.ALLOW);
    }
  }

  @Test
  void everyWrite_isAllowedToExactlyOneRole_soDutiesDoNotOverlapExceptAppsAndEndingCredentials() {
    List<String> shared = new ArrayList<>();
    for (AdminAction a : AdminAction.values()) {
      if (a.isRead()) {
        continue;
      }
      long roles = EnumSet.allOf(AdminRole.class).stream()
          .filter(r -> policy.allowedFor(r).contains(a))
          .count();
      assertThat(roles).as(a.name()).isPositive();
      if (roles > 1) {
        shared.add(a.name());
      }
    }
    // Officers create apps when onboarding a tenant; tenant-admins for their own tenant. Both
    // end credentials: the tenant when rotating, an officer when responding to an incident. An
    // API's payload encryption: the tenant decides for its data, an officer may impose it (1.8).
    // An API's signature requirement likewise (1.10); the tenant's floor is the officers' alone.
    // A payload key, like a credential, is retired by either (1.9), issued by the tenant only;
    // promoted by either (1.11): it only picks among keys the tenant issued.
    assertThat(shared).containsExactly(
        "APP_CREATE", "CREDENTIAL_RETIRE", "CREDENTIAL_REVOKE", "API_ENCRYPTION_SET",
        "API_SIGNATURE_SET", "PAYLOAD_KEY_RETIRE", "PAYLOAD_KEY_PROMOTE");
    assertThat(policy.allowedFor(AdminRole.TENANT_ADMIN)).doesNotContain(TENANT_SIGNATURE_SET);
    assertThat(CREDENTIAL_ISSUING)
        .allMatch(a -> policy.allowedFor(AdminRole.TENANT_ADMIN).contains(a))
        .noneMatch(a -> policy.allowedFor(AdminRole.SECURITY_OFFICER).contains(a));
    assertThat(CREDENTIAL_ENDING)
        .allMatch(a -> policy.allowedFor(AdminRole.TENANT_ADMIN).contains(a))
        .allMatch(a -> policy.allowedFor(AdminRole.SECURITY_OFFICER).contains(a));
  }
}
