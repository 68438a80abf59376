package io.keygate.gateway.admin;

import io.keygate.gateway.admin.api.AdminMessages;

import static io.keygate.gateway.admin.AdminFixture.ACME;
import static io.keygate.gateway.admin.AdminFixture.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.keygate.gateway.audit.AuditEvent;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.Grant;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.AllowBackendRequest;
import io.keygate.proto.admin.v1.Api;
import io.keygate.proto.admin.v1.BackendAllowance;
import io.keygate.proto.admin.v1.CreateAppRequest;
import io.keygate.proto.admin.v1.CreateAuthorizationRequest;
import io.keygate.proto.admin.v1.CreateGrantRequest;
import io.keygate.proto.admin.v1.ListApisRequest;
import io.keygate.proto.admin.v1.ListAppsRequest;
import io.keygate.proto.admin.v1.ListAuthorizationsRequest;
import io.keygate.proto.admin.v1.ListGrantsRequest;
import io.keygate.proto.admin.v1.ListTenantsRequest;
import io.keygate.proto.admin.v1.RegisterApiRequest;
import io.keygate.proto.admin.v1.RemoveApiRequest;
import io.keygate.proto.admin.v1.RevokeAuthorizationRequest;
import io.keygate.proto.admin.v1.RevokeGrantRequest;
import io.keygate.proto.admin.v1.UpdateApiRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A tenant-admin configures APIs, apps, grants and authorizations of its own tenant, and can
 * neither see nor touch another tenant's: the policy refuses requests naming another tenant, and
 * the store's tenant scoping refuses another tenant's objects named inside its own.
 */
class TenantAdminTest {
  @RegisterExtension
  static SoftHsmTokens tokens = new SoftHsmTokens("admin");

  static AdminFixture admin;
  private static final AtomicInteger N = new AtomicInteger();
  private static final Calls.Refusal DENIED =
      Calls.refusal(Status.Code.PERMISSION_DENIED, "PermissionDenied");

  @BeforeAll
  static void start() throws Exception {
    admin = new AdminFixture(tokens).start("admin");
    admin.store.registerApi(new ApiDefinition("globex-api", GLOBEX, AdminFixture.GLOBEX_DOMAIN,
        "globex.v1.Svc/Get", AdminFixture.BACKEND, AuthMode.SIGNATURE));
    admin.store.grant(new Grant(GLOBEX, "globex-app", "globex-api"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void tenantAdmin_registersUpdatesAndRemovesItsApis_andThisNodesSnapshotFollowsAtOnce() {
    AdminServiceBlockingStub acme = admin.as(admin.acmeAdmin);
    String id = "api-" + N.incrementAndGet();
    String method = "acme.v1.Svc/M" + N.get();

    Api registered = acme.registerApi(
        RegisterApiRequest.newBuilder().setApi(api(ACME, id, method)).build());

    assertThat(registered.getAuthMode()).isEqualTo(io.keygate.proto.admin.v1.AuthMode.SIGNATURE);
    assertThat(admin.snapshots.current().route(AdminFixture.ACME_DOMAIN, method).orElseThrow().tenantId())
        .isEqualTo(ACME);
    acme.updateApi(UpdateApiRequest.newBuilder()
        .setApi(
            api(ACME, id, method).toBuilder().setAuthMode(io.keygate.proto.admin.v1.AuthMode.NONE))
        .build());
    assertThat(admin.snapshots.current().api(id).orElseThrow().authMode()).isEqualTo(AuthMode.NONE);
    assertThat(acme.listApis(ListApisRequest.newBuilder().setTenantId(ACME).build())
            .getApisList())
        .extracting(Api::getId)
        .contains(id);

    acme.removeApi(RemoveApiRequest.newBuilder().setTenantId(ACME).setApiId(id).build());

    assertThat(admin.snapshots.current().api(id)).isEmpty();
  }

  @Test
  void aMalformedBackendTarget_isRefusedNamingTheField_andNothingIsStored() throws Exception {
    AdminServiceBlockingStub acme = admin.as(admin.acmeAdmin);
    String kept = registerAcmeApi();
    Calls.Refusal invalidTarget =
        Calls.refusal(Status.Code.INVALID_ARGUMENT, "InvalidBackendTarget");
    assertThat(invalidTarget.message()).contains("backend_target");

    for (String bad : List.of(
        "backend", "backend:0", "backend:65536", "dns://8.8.8.8/backend:80", "unix:/tmp/sock",
        "xds:///backend", "::1:8080", "[::1]", "back end:80")) {
      String id = "api-" + N.incrementAndGet();
      String method = "acme.v1.Svc/M" + N.get();
      int mark = admin.audit.mark();

      assertThat(Calls.status(() -> acme.registerApi(RegisterApiRequest.newBuilder()
              .setApi(api(ACME, id, method).toBuilder().setBackendTarget(bad))
              .build())))
          .as(bad)
          .isEqualTo(invalidTarget);
      assertThat(Calls.status(() -> acme.updateApi(UpdateApiRequest.newBuilder()
              .setApi(api(ACME, kept, "acme.v1.Svc/Kept" + N.get()).toBuilder()
                  .setBackendTarget(bad))
              .build())))
          .as(bad)
          .isEqualTo(invalidTarget);

      assertThat(admin.audit.since(mark))
          .extracting(AuditEvent::outcome, AuditEvent::detail)
          .containsOnly(org.assertj.core.groups.Tuple.tuple(
              AuditEvent.Outcome.FAILED, "InvalidBackendTarget"));
      assertThat(admin.store.apis(ACME)).extracting(ApiDefinition::id).doesNotContain(id);
      assertThat(admin.snapshots.current().route(AdminFixture.ACME_DOMAIN, method)).isEmpty();
    }
    ApiDefinition unchanged = admin.store.apis(ACME).stream()
        .filter(a -> a.id().equals(kept))
        .findFirst()
        .orElseThrow();
    assertThat(unchanged.backendTarget()).isEqualTo("127.0.0.1:9");
  }

  @Test
  void backendTargets_mayBeHostPort_bracketedIpv6_orDns_andAreStoredAsWritten() throws Exception {
    AdminServiceBlockingStub acme = admin.as(admin.acmeAdmin);
    for (String good : List.of("backend.internal:8443", "[::1]:8080", "dns:///backend:80")) {
      String id = "api-" + N.incrementAndGet();
      admin.as(admin.officer).allowBackend(AllowBackendRequest.newBuilder()
          .setAllowance(BackendAllowance.newBuilder().setTenantId(ACME).setBackendTarget(good))
          .build());

      Api registered = acme.registerApi(RegisterApiRequest.newBuilder()
          .setApi(api(ACME, id, "acme.v1.Svc/M" + N.get()).toBuilder().setBackendTarget(good))
          .build());

      assertThat(registered.getBackendTarget()).isEqualTo(good);
      assertThat(admin.snapshots.current().api(id).orElseThrow().backendTarget()).isEqualTo(good);
    }
  }

  @Test
  void tenantAdmin_grantsAndRevokesItsAppsAccessToItsApis() throws Exception {
    AdminServiceBlockingStub acme = admin.as(admin.acmeAdmin);
    String id = registerAcmeApi();
    var grant = io.keygate.proto.admin.v1.Grant.newBuilder()
        .setTenantId(ACME)
        .setAppId("acme-app")
        .setApiId(id)
        .build();

    acme.createGrant(CreateGrantRequest.newBuilder().setGrant(grant).build());

    assertThat(admin.snapshots.current().hasGrant(ACME, "acme-app", id)).isTrue();
    assertThat(acme.listGrants(ListGrantsRequest.newBuilder().setTenantId(ACME).build())
            .getGrantsList())
        .contains(grant);
    acme.revokeGrant(RevokeGrantRequest.newBuilder().setGrant(grant).build());
    assertThat(admin.snapshots.current().hasGrant(ACME, "acme-app", id)).isFalse();
  }

  @Test
  void tenantAdmin_isDeniedEveryCallNamingAnotherTenant_andNothingChanges() throws Exception {
    AdminServiceBlockingStub acme = admin.as(admin.acmeAdmin);
    long version = admin.store.currentVersion();
    var globexGrant = io.keygate.proto.admin.v1.Grant.newBuilder()
        .setTenantId(GLOBEX)
        .setAppId("globex-app")
        .setApiId("globex-api")
        .build();
    int mark = admin.audit.mark();

    List<Runnable> calls = List.of(
        () -> acme.createApp(CreateAppRequest.newBuilder()
            .setTenantId(GLOBEX)
            .setId("sneaky")
            .setName("x")
            .build()),
        () -> acme.registerApi(RegisterApiRequest.newBuilder()
            .setApi(api(GLOBEX, "sneaky", "globex.v1.Svc/Sneak"))
            .build()),
        () -> acme.updateApi(UpdateApiRequest.newBuilder()
            .setApi(api(GLOBEX, "globex-api", "globex.v1.Svc/Get"))
            .build()),
        () -> acme.removeApi(RemoveApiRequest.newBuilder()
            .setTenantId(GLOBEX)
            .setApiId("globex-api")
            .build()),
        () -> acme.createGrant(
            CreateGrantRequest.newBuilder().setGrant(globexGrant).build()),
        () -> acme.revokeGrant(
            RevokeGrantRequest.newBuilder().setGrant(globexGrant).build()),
        () -> acme.createAuthorization(authorization("sneaky", GLOBEX, "acme-app", "globex-api")),
        () -> acme.revokeAuthorization(RevokeAuthorizationRequest.newBuilder()
            .setGrantorTenantId(GLOBEX)
            .setAuthorizationId("any")
            .build()),
        () -> acme.listApps(ListAppsRequest.newBuilder().setTenantId(GLOBEX).build()),
        () -> acme.listApis(ListApisRequest.newBuilder().setTenantId(GLOBEX).build()),
        () -> acme.listGrants(ListGrantsRequest.newBuilder().setTenantId(GLOBEX).build()),
        () -> acme.listAuthorizations(
            ListAuthorizationsRequest.newBuilder().setTenantId(GLOBEX).build()),
        () -> acme.listTenants(ListTenantsRequest.getDefaultInstance()));
    for (Runnable call : calls) {
      assertThat(Calls.status(call)).isEqualTo(DENIED);
    }

    assertThat(admin.store.currentVersion()).isEqualTo(version);
    assertThat(admin.store.apis(GLOBEX))
        .extracting(ApiDefinition::id)
        .containsExactly("globex-api");
    List<AuditEvent> events = admin.audit.since(mark);
    assertThat(events).hasSize(calls.size()).allSatisfy(e -> {
      assertThat(e.actor()).isEqualTo(admin.acmeAdmin.identity().auditActor());
      assertThat(e.role()).isEqualTo("tenant-admin");
      assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.DENIED);
    });
    assertThat(events.get(0).target()).isEqualTo("tenant/globex/app/sneaky");
    assertThat(events.get(0).detail()).isEqualTo("PermissionDenied DENIED_OTHER_TENANT");
  }

  @Test
  void anotherTenantsObjects_namedInsideTheAdminsOwnTenant_areNotFound_andNothingChanges()
      throws Exception {
    AdminServiceBlockingStub acme = admin.as(admin.acmeAdmin);
    String acmeApi = registerAcmeApi();

    assertThat(Calls.status(() -> acme.removeApi(RemoveApiRequest.newBuilder()
            .setTenantId(ACME)
            .setApiId("globex-api")
            .build())))
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "NotFound"));
    assertThat(Calls.status(() -> acme.updateApi(UpdateApiRequest.newBuilder()
            .setApi(api(ACME, "globex-api", "acme.v1.Svc/Steal"))
            .build())))
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "NotFound"));
    var unknown = Calls.refusal(Status.Code.NOT_FOUND, "UnknownReference");
    assertThat(Calls.status(() -> acme.createGrant(CreateGrantRequest.newBuilder()
            .setGrant(io.keygate.proto.admin.v1.Grant.newBuilder()
                .setTenantId(ACME)
                .setAppId("acme-app")
                .setApiId("globex-api"))
            .build())))
        .isEqualTo(unknown);
    assertThat(Calls.status(() -> acme.createGrant(CreateGrantRequest.newBuilder()
            .setGrant(io.keygate.proto.admin.v1.Grant.newBuilder()
                .setTenantId(ACME)
                .setAppId("globex-app")
                .setApiId(acmeApi))
            .build())))
        .isEqualTo(unknown);
    assertThat(Calls.status(() ->
            acme.createAuthorization(authorization("steal", ACME, "globex-app", "globex-api"))))
        .isEqualTo(unknown);

    assertThat(admin.store.apis(GLOBEX))
        .extracting(ApiDefinition::id)
        .containsExactly("globex-api");
    assertThat(admin.store.grants(GLOBEX))
        .containsExactly(new Grant(GLOBEX, "globex-app", "globex-api"));
  }

  @Test
  void tenantAdminsLists_returnOnlyItsOwnTenantsRows() throws Exception {
    AdminServiceBlockingStub acme = admin.as(admin.acmeAdmin);
    registerAcmeApi();

    assertThat(acme.listApps(ListAppsRequest.newBuilder().setTenantId(ACME).build())
            .getAppsList())
        .isNotEmpty()
        .allMatch(a -> a.getTenantId().equals(ACME));
    assertThat(acme.listApis(ListApisRequest.newBuilder().setTenantId(ACME).build())
            .getApisList())
        .isNotEmpty()
        .allMatch(a -> a.getTenantId().equals(ACME));
    // Other tests of this class add acme grants too: compare with the store, which must hold at
    // least this test's own grant (an empty list would pass any allMatch).
    var own = io.keygate.proto.admin.v1.Grant.newBuilder()
        .setTenantId(ACME)
        .setAppId("acme-app")
        .setApiId(registerAcmeApi())
        .build();
    acme.createGrant(CreateGrantRequest.newBuilder().setGrant(own).build());
    assertThat(acme.listGrants(ListGrantsRequest.newBuilder().setTenantId(ACME).build())
            .getGrantsList())
        .contains(own)
        .allMatch(g -> g.getTenantId().equals(ACME))
        .extracting(g -> new Grant(g.getTenantId(), g.getAppId(), g.getApiId()))
        .doesNotContain(new Grant(GLOBEX, "globex-app", "globex-api"))
        .containsExactlyInAnyOrderElementsOf(admin.store.grants(ACME));
    // The globex rows exist; only the globex admin sees them.
    assertThat(admin
            .as(admin.globexAdmin)
            .listApis(ListApisRequest.newBuilder().setTenantId(GLOBEX).build())
            .getApisList())
        .extracting(Api::getId)
        .containsExactly("globex-api");
  }

  @Test
  void tenantAdmin_authorizesAnotherTenantsApp_untilExpiry_andBothSidesSeeIt() throws Exception {
    String api = registerAcmeApi();
    String id = "auth-" + N.incrementAndGet();

    var created =
        admin.as(admin.acmeAdmin).createAuthorization(authorization(id, ACME, "globex-app", api));

    assertThat(created.getLive()).isTrue();
    assertThat(AdminMessages.instant(created.getExpiresAt()))
        .isEqualTo(admin.clock.instant().plus(Duration.ofHours(1)));
    assertThat(admin.snapshots.current().authorizationsFor("globex-app"))
        .extracting(a -> a.id())
        .contains(id);
    var acmeView = admin
        .as(admin.acmeAdmin)
        .listAuthorizations(
            ListAuthorizationsRequest.newBuilder().setTenantId(ACME).build());
    var globexView = admin
        .as(admin.globexAdmin)
        .listAuthorizations(
            ListAuthorizationsRequest.newBuilder().setTenantId(GLOBEX).build());
    assertThat(acmeView.getGrantedList()).extracting(a -> a.getId()).contains(id);
    assertThat(globexView.getReceivedList()).extracting(a -> a.getId()).contains(id);
    assertThat(globexView.getGrantedList()).extracting(a -> a.getId()).doesNotContain(id);
    // The grantee's admin cannot revoke what the grantor granted.
    assertThat(Calls.status(() -> admin
            .as(admin.globexAdmin)
            .revokeAuthorization(RevokeAuthorizationRequest.newBuilder()
                .setGrantorTenantId(GLOBEX)
                .setAuthorizationId(id)
                .build())))
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "NotFound"));

    var revoked = admin
        .as(admin.acmeAdmin)
        .revokeAuthorization(RevokeAuthorizationRequest.newBuilder()
            .setGrantorTenantId(ACME)
            .setAuthorizationId(id)
            .build());

    assertThat(revoked.getRevoked()).isTrue();
    assertThat(revoked.getLive()).isFalse();
  }

  @Test
  void authorization_ofTheGrantorsOwnApp_orWithoutAFutureExpiry_isAnInvalidArgument()
      throws Exception {
    AdminServiceBlockingStub acme = admin.as(admin.acmeAdmin);
    String api = registerAcmeApi();

    assertThat(Calls.status(
            () -> acme.createAuthorization(authorization("own", ACME, "acme-app", api))))
        .isEqualTo(Calls.refusal(Status.Code.INVALID_ARGUMENT, "SameTenant"));
    assertThat(Calls.status(() ->
            acme.createAuthorization(authorization("never", ACME, "globex-app", api).toBuilder()
                .clearExpiry()
                .build())))
        .isEqualTo(Calls.refusal(Status.Code.INVALID_ARGUMENT, "InvalidArgument"));
    assertThat(Calls.status(() ->
            acme.createAuthorization(authorization("past", ACME, "globex-app", api).toBuilder()
                .setExpiresAt(AdminMessages.timestamp(admin.clock.instant().minusSeconds(1)))
                .build())))
        .isEqualTo(Calls.refusal(Status.Code.INVALID_ARGUMENT, "InvalidArgument"));
  }

  @Test
  void officer_doesNotRegisterApis_andNobodyCanGiveAnApiAMalformedMethodName() {
    assertThat(Calls.status(() -> admin
            .as(admin.officer)
            .registerApi(RegisterApiRequest.newBuilder()
                .setApi(api(ACME, "by-officer", "acme.v1.Svc/ByOfficer"))
                .build())))
        .isEqualTo(DENIED);
    assertThat(Calls.status(() -> admin
            .as(admin.acmeAdmin)
            .registerApi(RegisterApiRequest.newBuilder()
                .setApi(api(ACME, "bad", "/acme.v1.Svc/Bad"))
                .build())))
        .isEqualTo(Calls.refusal(Status.Code.INVALID_ARGUMENT, "InvalidArgument"));
  }

  private static String registerAcmeApi() {
    String id = "api-" + N.incrementAndGet();
    admin
        .as(admin.acmeAdmin)
        .registerApi(RegisterApiRequest.newBuilder()
            .setApi(api(ACME, id, "acme.v1.Svc/M" + N.get()))
            .build());
    return id;
  }

  private static Api api(String tenant, String id, String method) {
    return Api.newBuilder()
        .setTenantId(tenant)
        .setId(id)
        .setMethodName(method)
        .setDomain(tenant + ".example")
        .setBackendTarget(AdminFixture.BACKEND)
        .build();
  }

  private static CreateAuthorizationRequest authorization(
      String id, String grantor, String granteeApp, String api) {
    return CreateAuthorizationRequest.newBuilder()
        .setId(id)
        .setGrantorTenantId(grantor)
        .setGranteeAppId(granteeApp)
        .addApiIds(api)
        .setValidFor(com.google.protobuf.Duration.newBuilder().setSeconds(3600))
        .build();
  }
}
