package io.keygate.gateway.admin;

import static io.keygate.gateway.admin.AdminFixture.ACME;
import static io.keygate.gateway.admin.AdminFixture.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.grpc.Status;
import io.keygate.gateway.audit.AuditEvent;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.AllowBackendRequest;
import io.keygate.proto.admin.v1.AllowDomainRequest;
import io.keygate.proto.admin.v1.Api;
import io.keygate.proto.admin.v1.AuthMode;
import io.keygate.proto.admin.v1.BackendAllowance;
import io.keygate.proto.admin.v1.DomainAllowance;
import io.keygate.proto.admin.v1.ListAllowancesRequest;
import io.keygate.proto.admin.v1.RegisterApiRequest;
import io.keygate.proto.admin.v1.RemoveBackendRequest;
import io.keygate.proto.admin.v1.RemoveDomainRequest;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Routing belongs to a tenant, through the admin API: security officers decide which domains and
 * backends a tenant's APIs may use (audited), tenant-admins can only use them, and a hostile
 * tenant-admin cannot point an API at another tenant's domain or backend, an internal address,
 * or expose a backend without authentication on its own say-so.
 */
class RouteAllowancesAdminTest {
  @RegisterExtension
  static SoftHsmTokens tokens = new SoftHsmTokens("routes");

  static AdminFixture admin;
  private static final AtomicInteger N = new AtomicInteger();
  private static final Calls.Refusal DENIED =
      Calls.refusal(Status.Code.PERMISSION_DENIED, "PermissionDenied");
  private static final Calls.Refusal NOT_ALLOWED =
      Calls.refusal(Status.Code.FAILED_PRECONDITION, "RouteNotAllowed");
  private static final Calls.Refusal IN_USE =
      Calls.refusal(Status.Code.FAILED_PRECONDITION, "AllowanceInUse");

  @BeforeAll
  static void start() throws Exception {
    admin = new AdminFixture(tokens).start("routes");
  }

  @AfterAll
  static void stop() throws Exception {
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void officer_allowsDomainsAndBackends_audited_andTheTenantAdminSeesThem() {
    AdminServiceBlockingStub officer = admin.as(admin.officer);
    String domain = "shop" + N.incrementAndGet() + ".acme.example";
    int mark = admin.audit.mark();

    officer.allowDomain(AllowDomainRequest.newBuilder().setAllowance(domain(ACME, domain)).build());
    officer.allowBackend(AllowBackendRequest.newBuilder()
        .setAllowance(backend(ACME, "shop.internal:443", false)).build());

    assertThat(admin.audit.since(mark))
        .extracting(AuditEvent::action, AuditEvent::target, AuditEvent::outcome)
        .containsExactly(
            tuple("domain.allow", "tenant/acme/domain/" + domain, AuditEvent.Outcome.SUCCESS),
            tuple("backend.allow", "tenant/acme/backend/shop.internal:443",
                AuditEvent.Outcome.SUCCESS));
    var seen = admin.as(admin.acmeAdmin)
        .listAllowances(ListAllowancesRequest.newBuilder().setTenantId(ACME).build());
    assertThat(seen.getDomainsList()).contains(domain(ACME, domain));
    assertThat(seen.getBackendsList()).contains(backend(ACME, "shop.internal:443", false));
    assertThat(admin.as(admin.auditor)
            .listAllowances(ListAllowancesRequest.newBuilder().setTenantId(ACME).build()))
        .isEqualTo(seen);
  }

  @Test
  void tenantAdmin_cannotAllowItselfAnything_norSeeAnotherTenantsAllowances() {
    AdminServiceBlockingStub acme = admin.as(admin.acmeAdmin);
    int mark = admin.audit.mark();

    assertThat(Calls.status(() -> acme.allowDomain(AllowDomainRequest.newBuilder()
            .setAllowance(domain(ACME, "mine" + N.incrementAndGet() + ".example")).build())))
        .isEqualTo(DENIED);
    assertThat(Calls.status(() -> acme.allowBackend(AllowBackendRequest.newBuilder()
            .setAllowance(backend(ACME, "169.254.169.254:80", true)).build())))
        .isEqualTo(DENIED);
    assertThat(Calls.status(() -> acme.removeDomain(RemoveDomainRequest.newBuilder()
            .setTenantId(GLOBEX).setDomain(AdminFixture.GLOBEX_DOMAIN).build())))
        .isEqualTo(DENIED);
    assertThat(Calls.status(() -> acme.listAllowances(
            ListAllowancesRequest.newBuilder().setTenantId(GLOBEX).build())))
        .isEqualTo(DENIED);
    assertThat(admin.audit.since(mark)).extracting(AuditEvent::outcome)
        .containsOnly(AuditEvent.Outcome.DENIED).hasSize(4);
  }

  @Test
  void tenantAdmin_cannotRouteToAnotherTenantsDomain_anUnallowedBackend_orUnauthenticated()
      throws Exception {
    AdminServiceBlockingStub acme = admin.as(admin.acmeAdmin);
    admin.as(admin.officer).allowBackend(AllowBackendRequest.newBuilder()
        .setAllowance(backend(GLOBEX, "globex.internal:443", false)).build());

    Api onGlobexDomain = api(AdminFixture.GLOBEX_DOMAIN, AdminFixture.BACKEND, AuthMode.SIGNATURE);
    Api toGlobexBackend = api(AdminFixture.ACME_DOMAIN, "globex.internal:443", AuthMode.SIGNATURE);
    Api toMetadataService = api(AdminFixture.ACME_DOMAIN, "169.254.169.254:80", AuthMode.SIGNATURE);
    for (Api hostile : new Api[] {onGlobexDomain, toGlobexBackend, toMetadataService}) {
      assertThat(Calls.status(() -> acme.registerApi(
              RegisterApiRequest.newBuilder().setApi(hostile).build())))
          .as(hostile.getDomain() + " -> " + hostile.getBackendTarget())
          .isEqualTo(NOT_ALLOWED);
    }
    // globex's backend is allowed, but not without authentication.
    AdminServiceBlockingStub globex = admin.as(admin.globexAdmin);
    Api open = api(AdminFixture.GLOBEX_DOMAIN, AdminFixture.BACKEND, AuthMode.NONE).toBuilder()
        .setTenantId(GLOBEX).build();
    assertThat(Calls.status(() -> globex.registerApi(
            RegisterApiRequest.newBuilder().setApi(open).build())))
        .isEqualTo(NOT_ALLOWED);
    assertThat(admin.store.apis(ACME)).extracting(ApiDefinition::id)
        .doesNotContain(onGlobexDomain.getId(), toGlobexBackend.getId(), toMetadataService.getId());
    assertThat(admin.store.apis(GLOBEX)).extracting(ApiDefinition::id)
        .doesNotContain(open.getId());
  }

  @Test
  void anApiWithoutADomain_isAnInvalidArgument() {
    Api noDomain = api("", AdminFixture.BACKEND, AuthMode.SIGNATURE);
    assertThat(Calls.status(() -> admin.as(admin.acmeAdmin).registerApi(
            RegisterApiRequest.newBuilder().setApi(noDomain).build())))
        .isEqualTo(Calls.refusal(Status.Code.INVALID_ARGUMENT, "InvalidArgument"));
  }

  @Test
  void allowancesInUse_cannotBeTakenBack_untilTheirApisAreGone() {
    AdminServiceBlockingStub officer = admin.as(admin.officer);
    String domain = "used" + N.incrementAndGet() + ".acme.example";
    String target = "used" + N.get() + ".internal:443";
    officer.allowDomain(AllowDomainRequest.newBuilder().setAllowance(domain(ACME, domain)).build());
    officer.allowBackend(AllowBackendRequest.newBuilder()
        .setAllowance(backend(ACME, target, true)).build());
    Api api = api(domain, target, AuthMode.NONE);
    admin.as(admin.acmeAdmin).registerApi(RegisterApiRequest.newBuilder().setApi(api).build());

    assertThat(Calls.status(() -> officer.removeDomain(RemoveDomainRequest.newBuilder()
            .setTenantId(ACME).setDomain(domain).build())))
        .isEqualTo(IN_USE);
    assertThat(Calls.status(() -> officer.removeBackend(RemoveBackendRequest.newBuilder()
            .setTenantId(ACME).setBackendTarget(target).build())))
        .isEqualTo(IN_USE);
    assertThat(Calls.status(() -> officer.allowBackend(AllowBackendRequest.newBuilder()
            .setAllowance(backend(ACME, target, false)).build())))
        .isEqualTo(IN_USE);

    admin.as(admin.acmeAdmin).removeApi(io.keygate.proto.admin.v1.RemoveApiRequest.newBuilder()
        .setTenantId(ACME).setApiId(api.getId()).build());
    officer.removeDomain(RemoveDomainRequest.newBuilder().setTenantId(ACME).setDomain(domain).build());
    officer.removeBackend(
        RemoveBackendRequest.newBuilder().setTenantId(ACME).setBackendTarget(target).build());
    assertThat(admin.as(admin.officer)
            .listAllowances(ListAllowancesRequest.newBuilder().setTenantId(ACME).build())
            .getDomainsList())
        .doesNotContain(domain(ACME, domain));
  }

  private static Api api(String domain, String target, AuthMode mode) {
    int n = N.incrementAndGet();
    return Api.newBuilder()
        .setTenantId(ACME)
        .setId("route-" + n)
        .setDomain(domain)
        .setMethodName("acme.v1.Svc/R" + n)
        .setBackendTarget(target)
        .setAuthMode(mode)
        .build();
  }

  private static DomainAllowance domain(String tenant, String domain) {
    return DomainAllowance.newBuilder().setTenantId(tenant).setDomain(domain).build();
  }

  private static BackendAllowance backend(String tenant, String target, boolean unauthenticated) {
    return BackendAllowance.newBuilder()
        .setTenantId(tenant)
        .setBackendTarget(target)
        .setAllowUnauthenticated(unauthenticated)
        .build();
  }
}
