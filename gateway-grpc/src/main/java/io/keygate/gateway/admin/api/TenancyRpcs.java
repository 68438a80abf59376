package io.keygate.gateway.admin.api;

import static io.keygate.gateway.admin.access.AdminAction.*;

import io.grpc.stub.StreamObserver;
import io.keygate.proto.admin.v1.*;
import java.util.Objects;

/** The admin API's RPCs for tenants, their apps, what their APIs may use (domains and backends), and who may use the admin API as what: each names its action, tenant, audit target and detail, and
 * hands the work on ({@link AdminService} binds them). */
final class TenancyRpcs implements AdminRpcs {
  private final AdminCalls calls;
  private final AdminOperations ops;

  TenancyRpcs(AdminCalls calls, AdminOperations ops) {
    this.calls = Objects.requireNonNull(calls, "calls");
    this.ops = Objects.requireNonNull(ops, "ops");
  }

  @Override
  public void bindTo(AdminRpcTable table) {
    table.unary(AdminServiceGrpc.getWhoAmIMethod(), this::whoAmI);
    table.unary(AdminServiceGrpc.getCreateTenantMethod(), this::createTenant);
    table.unary(AdminServiceGrpc.getListTenantsMethod(), this::listTenants);
    table.unary(AdminServiceGrpc.getCreateAppMethod(), this::createApp);
    table.unary(AdminServiceGrpc.getListAppsMethod(), this::listApps);
    table.unary(AdminServiceGrpc.getAllowDomainMethod(), this::allowDomain);
    table.unary(AdminServiceGrpc.getRemoveDomainMethod(), this::removeDomain);
    table.unary(AdminServiceGrpc.getAllowBackendMethod(), this::allowBackend);
    table.unary(AdminServiceGrpc.getRemoveBackendMethod(), this::removeBackend);
    table.unary(AdminServiceGrpc.getListAllowancesMethod(), this::listAllowances);
    table.unary(AdminServiceGrpc.getAddPrincipalMethod(), this::addPrincipal);
    table.unary(AdminServiceGrpc.getRemovePrincipalMethod(), this::removePrincipal);
    table.unary(AdminServiceGrpc.getListPrincipalsMethod(), this::listPrincipals);
  }

  private void whoAmI(WhoAmIRequest req, StreamObserver<WhoAmIResponse> out) {
    calls.serve(WHO_AM_I, null, "self", out, ops::whoAmI);
  }

  private void createTenant(CreateTenantRequest req, StreamObserver<Tenant> out) {
    calls.serve(TENANT_CREATE, null, "tenant/" + req.getId(), out, c -> ops.createTenant(req));
  }

  private void listTenants(ListTenantsRequest req, StreamObserver<ListTenantsResponse> out) {
    calls.serve(TENANT_LIST, null, "tenants", out, c -> ops.listTenants());
  }

  private void createApp(CreateAppRequest req, StreamObserver<App> out) {
    String tenant = req.getTenantId();
    calls.serve(
        APP_CREATE, tenant, AuditTargets.target(tenant, "app", req.getId()), out, c -> ops.createApp(req));
  }

  private void listApps(ListAppsRequest req, StreamObserver<ListAppsResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(APP_LIST, tenant, AuditTargets.target(tenant, "apps", null), out, c -> ops.listApps(req));
  }

  private void allowDomain(AllowDomainRequest req, StreamObserver<DomainAllowance> out) {
    String tenant = req.getAllowance().getTenantId();
    calls.serve(DOMAIN_ALLOW, tenant,
        AuditTargets.target(tenant, "domain", req.getAllowance().getDomain()), out,
        c -> ops.allowDomain(req));
  }

  private void removeDomain(RemoveDomainRequest req, StreamObserver<RemoveDomainResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(DOMAIN_REMOVE, tenant, AuditTargets.target(tenant, "domain", req.getDomain()),
        out, c -> ops.removeDomain(req));
  }

  private void allowBackend(AllowBackendRequest req, StreamObserver<BackendAllowance> out) {
    String tenant = req.getAllowance().getTenantId();
    calls.serve(BACKEND_ALLOW, tenant,
        AuditTargets.backendTarget(tenant, req.getAllowance().getBackendTarget()), out,
        c -> ops.allowBackend(req),
        b -> "allowUnauthenticated=" + b.getAllowUnauthenticated());
  }

  private void removeBackend(RemoveBackendRequest req, StreamObserver<RemoveBackendResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(BACKEND_REMOVE, tenant, AuditTargets.backendTarget(tenant, req.getBackendTarget()),
        out, c -> ops.removeBackend(req));
  }

  private void listAllowances(
      ListAllowancesRequest req, StreamObserver<ListAllowancesResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(ALLOWANCE_LIST, tenant, AuditTargets.target(tenant, "allowances", null), out,
        c -> ops.listAllowances(req));
  }

  private void addPrincipal(AddPrincipalRequest req, StreamObserver<Principal> out) {
    Principal p = req.getPrincipal();
    calls.serve(
        PRINCIPAL_ADD,
        null,
        AuditTargets.principalTarget(p.getSubject(), p.getCertificateSha256()),
        out,
        c -> ops.addPrincipal(req),
        a -> "role=" + a.getRole()
            + (a.getTenantId().isEmpty() ? "" : " tenant=" + a.getTenantId()));
  }

  private void removePrincipal(
      RemovePrincipalRequest req, StreamObserver<RemovePrincipalResponse> out) {
    calls.serve(
        PRINCIPAL_REMOVE,
        null,
        AuditTargets.principalTarget(req.getSubject(), req.getCertificateSha256()),
        out,
        c -> ops.removePrincipal(req));
  }

  private void listPrincipals(
      ListPrincipalsRequest req, StreamObserver<ListPrincipalsResponse> out) {
    calls.serve(PRINCIPAL_LIST, null, "principals", out, c -> ops.listPrincipals());
  }
}
