package io.keygate.gateway.admin.api;

import io.keygate.gateway.admin.access.AdminAction;
import io.keygate.gateway.admin.access.AdminPolicy;
import io.keygate.gateway.admin.access.AdminPrincipals;
import io.keygate.gateway.credentials.CredentialLifecycle;
import static io.keygate.gateway.admin.access.AdminAction.*;

import io.grpc.stub.StreamObserver;
import io.keygate.gateway.audit.AuditLog;
import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.credentials.CredentialIssuer;
import io.keygate.gateway.payload.PayloadKeyStore;
import io.keygate.proto.admin.v1.*;
import java.time.Clock;
import io.keygate.hsm.KekId;
import io.keygate.hsm.PayloadKeys;
import java.util.Objects;
import java.util.Optional;

/**
 * The admin API's gRPC service, as a table: each RPC names its {@link AdminAction}, the tenant
 * the request acts in (what the policy checks), its audit target and what of the result the
 * audit log keeps, and hands the work to {@link AdminOperations} (bulk issuance to {@link
 * BulkCredentials}). {@link AdminCalls} authorizes, audits and answers every one of them the same
 * way.
 */
public final class AdminService extends AdminServiceGrpc.AdminServiceImplBase {
  private final AdminCalls calls;
  private final AdminOperations ops;
  private final KeyControl keys;
  private final BulkCredentials bulk;
  private final BackendTlsOperations backendTls;

  AdminService(AdminCalls calls, AdminOperations ops, KeyControl keys, BulkCredentials bulk,
      BackendTlsOperations backendTls) {
    this.calls = Objects.requireNonNull(calls, "calls");
    this.ops = Objects.requireNonNull(ops, "ops");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.bulk = Objects.requireNonNull(bulk, "bulk");
    this.backendTls = Objects.requireNonNull(backendTls, "backendTls");
  }

  /**
   * The service with its collaborators.
   *
   * @param store the config store (tenant-scoped reads and writes)
   * @param issuer makes new credentials (in the HSM, wrapped, on a node with a key hierarchy)
   * @param principals who may use the admin API, and as what; read on every call
   * @param audit records every call, allowed or denied; if it fails, the call fails
   * @param auditReading how AuditTail, AuditQuery and AuditVerify read and verify the log, e.g.
   *     {@link AuditReading#over} on the config database's audit chain and signed heads
   * @param keyControl dual control and TLS keys ({@link KeyControl#create})
   * @param payloadKeys each API's payload encryption policy (since admin API 1.8)
   * @param payloadHsm makes payload keys under {@code payloadKek} (since 1.9; either empty: none)
   * @param clock for expiries, credential states and audit times
   * @param onConfigChanged run after each successful configuration write, e.g. a wrapper around
   *     {@code SnapshotRefresher.refreshNow()}; what it throws is logged, not returned
   */
  public static AdminService create(
      ConfigStore store,
      CredentialIssuer issuer,
      AdminPrincipals principals,
      AuditLog audit,
      AuditReading auditReading,
      KeyControl keyControl, PayloadKeyStore payloadKeys,
      Optional<PayloadKeys> payloadHsm, Optional<KekId> payloadKek,
      Clock clock,
      Runnable onConfigChanged) {
    CredentialLifecycle lifecycle = new CredentialLifecycle(issuer, store, clock);
    return new AdminService(
        new AdminCalls(principals, new AdminPolicy(), audit, clock, onConfigChanged),
        new AdminOperations(store, lifecycle, principals, auditReading, keyControl,
            new EncryptionPolicies(payloadKeys),
            new PayloadKeyOperations(payloadKeys, payloadHsm, payloadKek, clock), clock),
        keyControl, new BulkCredentials(issuer), new BackendTlsOperations(store, keyControl));
  }

  @Override
  public void whoAmI(WhoAmIRequest req, StreamObserver<WhoAmIResponse> out) {
    calls.serve(WHO_AM_I, null, "self", out, ops::whoAmI);
  }

  // ---- tenants and apps ----

  @Override
  public void createTenant(CreateTenantRequest req, StreamObserver<Tenant> out) {
    calls.serve(TENANT_CREATE, null, "tenant/" + req.getId(), out, c -> ops.createTenant(req));
  }

  @Override
  public void listTenants(ListTenantsRequest req, StreamObserver<ListTenantsResponse> out) {
    calls.serve(TENANT_LIST, null, "tenants", out, c -> ops.listTenants());
  }

  @Override
  public void createApp(CreateAppRequest req, StreamObserver<App> out) {
    String tenant = req.getTenantId();
    calls.serve(
        APP_CREATE, tenant, AuditTargets.target(tenant, "app", req.getId()), out, c -> ops.createApp(req));
  }

  @Override
  public void listApps(ListAppsRequest req, StreamObserver<ListAppsResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(APP_LIST, tenant, AuditTargets.target(tenant, "apps", null), out, c -> ops.listApps(req));
  }

  // ---- credentials ----

  @Override
  public void createCredential(CreateCredentialRequest req, StreamObserver<IssuedCredential> out) {
    String tenant = req.getTenantId();
    calls.serve(CREDENTIAL_CREATE, tenant, AuditTargets.target(tenant, "app", req.getAppId()), out,
        c -> ops.createCredential(req), AuditTargets::newAccessKey);
  }

  @Override
  public void addCredential(AddCredentialRequest req, StreamObserver<IssuedCredential> out) {
    String tenant = req.getTenantId();
    calls.serve(CREDENTIAL_ADD, tenant, AuditTargets.target(tenant, "app", req.getAppId()), out,
        c -> ops.addCredential(req), AuditTargets::newAccessKey);
  }

  @Override
  public void retireCredential(RetireCredentialRequest req, StreamObserver<Credential> out) {
    String tenant = req.getTenantId();
    calls.serve(
        CREDENTIAL_RETIRE,
        tenant,
        AuditTargets.target(tenant, "credential", req.getAccessKey()),
        out,
        c -> ops.retireCredential(req),
        r -> "notAfter=" + AdminMessages.instant(r.getNotAfter()));
  }

  @Override
  public void createCredentials(
      CreateCredentialsRequest req, StreamObserver<CreateCredentialsResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(CREDENTIAL_BULK_CREATE, tenant, AuditTargets.target(tenant, "apps", null), out,
        c -> bulk.create(req), r -> BulkCredentials.auditDetail(req, r));
  }

  @Override
  public void revokeCredential(RevokeCredentialRequest req, StreamObserver<Credential> out) {
    String tenant = req.getTenantId();
    calls.serve(CREDENTIAL_REVOKE, tenant,
        AuditTargets.target(tenant, "credential", req.getAccessKey()), out,
        c -> ops.revokeCredential(req));
  }

  @Override
  public void listCredentials(
      ListCredentialsRequest req, StreamObserver<ListCredentialsResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(CREDENTIAL_LIST, tenant, AuditTargets.target(tenant, "credentials", null), out,
        c -> ops.listCredentials(req));
  }

  // ---- what a tenant's APIs may use (security officers) ----

  @Override
  public void allowDomain(AllowDomainRequest req, StreamObserver<DomainAllowance> out) {
    String tenant = req.getAllowance().getTenantId();
    calls.serve(DOMAIN_ALLOW, tenant,
        AuditTargets.target(tenant, "domain", req.getAllowance().getDomain()), out,
        c -> ops.allowDomain(req));
  }

  @Override
  public void removeDomain(RemoveDomainRequest req, StreamObserver<RemoveDomainResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(DOMAIN_REMOVE, tenant, AuditTargets.target(tenant, "domain", req.getDomain()),
        out, c -> ops.removeDomain(req));
  }

  @Override
  public void allowBackend(AllowBackendRequest req, StreamObserver<BackendAllowance> out) {
    String tenant = req.getAllowance().getTenantId();
    calls.serve(BACKEND_ALLOW, tenant,
        AuditTargets.backendTarget(tenant, req.getAllowance().getBackendTarget()), out,
        c -> ops.allowBackend(req),
        b -> "allowUnauthenticated=" + b.getAllowUnauthenticated());
  }

  @Override
  public void removeBackend(RemoveBackendRequest req, StreamObserver<RemoveBackendResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(BACKEND_REMOVE, tenant, AuditTargets.backendTarget(tenant, req.getBackendTarget()),
        out, c -> ops.removeBackend(req));
  }

  @Override
  public void listAllowances(
      ListAllowancesRequest req, StreamObserver<ListAllowancesResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(ALLOWANCE_LIST, tenant, AuditTargets.target(tenant, "allowances", null), out,
        c -> ops.listAllowances(req));
  }

  // ---- how nodes reach backends (security officers; cluster-wide) ----

  @Override
  public void setBackendTls(SetBackendTlsRequest req, StreamObserver<BackendTls> out) {
    calls.serve(BACKEND_TLS_SET, null, "backend-tls/" + req.getPolicy().getBackendTarget(), out,
        c -> backendTls.set(req), BackendTlsOperations::auditDetail);
  }

  @Override
  public void removeBackendTls(
      RemoveBackendTlsRequest req, StreamObserver<RemoveBackendTlsResponse> out) {
    calls.serve(BACKEND_TLS_REMOVE, null, "backend-tls/" + req.getBackendTarget(), out,
        c -> backendTls.remove(req));
  }

  @Override
  public void listBackendTls(ListBackendTlsRequest req, StreamObserver<ListBackendTlsResponse> out) {
    calls.serve(BACKEND_TLS_LIST, null, "backend-tls", out, c -> backendTls.list());
  }

  // ---- APIs and grants ----

  @Override
  public void registerApi(RegisterApiRequest req, StreamObserver<Api> out) {
    String tenant = req.getApi().getTenantId();
    calls.serve(API_REGISTER, tenant, AuditTargets.target(tenant, "api", req.getApi().getId()),
        out, c -> ops.registerApi(req), AuditTargets::apiDetail);
  }

  @Override
  public void updateApi(UpdateApiRequest req, StreamObserver<Api> out) {
    String tenant = req.getApi().getTenantId();
    calls.serve(API_UPDATE, tenant, AuditTargets.target(tenant, "api", req.getApi().getId()),
        out, c -> ops.updateApi(req), AuditTargets::apiDetail);
  }

  @Override
  public void setApiEncryption(SetApiEncryptionRequest req, StreamObserver<Api> out) {
    String tenant = req.getTenantId();
    calls.serve(API_ENCRYPTION_SET, tenant, AuditTargets.target(tenant, "api", req.getApiId()),
        out, c -> ops.setApiEncryption(req), AuditTargets::apiDetail);
  }

  @Override
  public void listPayloadKeys(ListPayloadKeysRequest req,
      StreamObserver<ListPayloadKeysResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(PAYLOAD_KEY_LIST, tenant, AuditTargets.target(tenant, "api", req.getApiId()),
        out, c -> ops.listPayloadKeys(req));
  }

  @Override
  public void issuePayloadKey(IssuePayloadKeyRequest req, StreamObserver<IssuedPayloadKey> out) {
    String tenant = req.getTenantId();
    calls.serve(PAYLOAD_KEY_ISSUE, tenant, AuditTargets.target(tenant, "api", req.getApiId()),
        out, c -> ops.issuePayloadKey(req), k -> "hop=" + k.getKey().getHop() + " key="
            + k.getKey().getKeyId());
  }

  @Override
  public void retirePayloadKey(RetirePayloadKeyRequest req,
      StreamObserver<ListPayloadKeysResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(PAYLOAD_KEY_RETIRE, tenant, AuditTargets.target(tenant, "api", req.getApiId()),
        out, c -> ops.retirePayloadKey(req));
  }

  @Override
  public void removeApi(RemoveApiRequest req, StreamObserver<RemoveApiResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(
        API_REMOVE, tenant, AuditTargets.target(tenant, "api", req.getApiId()), out, c -> ops.removeApi(req));
  }

  @Override
  public void listApis(ListApisRequest req, StreamObserver<ListApisResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(API_LIST, tenant, AuditTargets.target(tenant, "apis", null), out, c -> ops.listApis(req));
  }

  @Override
  public void createGrant(CreateGrantRequest req, StreamObserver<Grant> out) {
    Grant g = req.getGrant();
    calls.serve(GRANT_CREATE, g.getTenantId(), AuditTargets.grantTarget(g), out, c -> ops.createGrant(req));
  }

  @Override
  public void revokeGrant(RevokeGrantRequest req, StreamObserver<RevokeGrantResponse> out) {
    Grant g = req.getGrant();
    calls.serve(GRANT_REVOKE, g.getTenantId(), AuditTargets.grantTarget(g), out, c -> ops.revokeGrant(req));
  }

  @Override
  public void listGrants(ListGrantsRequest req, StreamObserver<ListGrantsResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(GRANT_LIST, tenant, AuditTargets.target(tenant, "grants", null), out, c -> ops.listGrants(req));
  }

  // ---- cross-tenant authorizations: they belong to the grantor tenant ----

  @Override
  public void createAuthorization(
      CreateAuthorizationRequest req, StreamObserver<Authorization> out) {
    String grantor = req.getGrantorTenantId();
    calls.serve(
        AUTHORIZATION_CREATE,
        grantor,
        AuditTargets.target(grantor, "authorization", req.getId()),
        out,
        c -> ops.createAuthorization(req),
        a -> "grantee=" + a.getGranteeAppId() + " apis=" + a.getApiIdsList() + " expires="
            + AdminMessages.instant(a.getExpiresAt()));
  }

  @Override
  public void revokeAuthorization(
      RevokeAuthorizationRequest req, StreamObserver<Authorization> out) {
    String grantor = req.getGrantorTenantId();
    calls.serve(AUTHORIZATION_REVOKE, grantor,
        AuditTargets.target(grantor, "authorization", req.getAuthorizationId()), out,
        c -> ops.revokeAuthorization(req));
  }

  @Override
  public void listAuthorizations(
      ListAuthorizationsRequest req, StreamObserver<ListAuthorizationsResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(AUTHORIZATION_LIST, tenant, AuditTargets.target(tenant, "authorizations", null),
        out, c -> ops.listAuthorizations(req));
  }

  // ---- admin principals ----

  @Override
  public void addPrincipal(AddPrincipalRequest req, StreamObserver<Principal> out) {
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

  @Override
  public void removePrincipal(
      RemovePrincipalRequest req, StreamObserver<RemovePrincipalResponse> out) {
    calls.serve(
        PRINCIPAL_REMOVE,
        null,
        AuditTargets.principalTarget(req.getSubject(), req.getCertificateSha256()),
        out,
        c -> ops.removePrincipal(req));
  }

  @Override
  public void listPrincipals(
      ListPrincipalsRequest req, StreamObserver<ListPrincipalsResponse> out) {
    calls.serve(PRINCIPAL_LIST, null, "principals", out, c -> ops.listPrincipals());
  }

  // ---- dual control: each call names the request; a run is audited under its own action ----

  @Override
  public void requestApproval(RequestApprovalRequest req, StreamObserver<ApprovalRequest> out) {
    calls.serve(APPROVAL_REQUEST, null, "approval", out, c -> keys.request(req, c),
        r -> "id=" + r.getId() + " " + r.getSummary() + " reason=" + r.getReason());
  }

  @Override
  public void approve(ApproveRequest req, StreamObserver<ApprovalRequest> out) {
    calls.serve(APPROVAL_APPROVE, null, "approval/" + req.getId(), out, c -> keys.approve(req, c),
        AuditTargets::approvalDetail);
  }

  @Override
  public void rejectApproval(RejectApprovalRequest req, StreamObserver<ApprovalRequest> out) {
    calls.serve(APPROVAL_REJECT, null, "approval/" + req.getId(), out, c -> keys.reject(req, c),
        AuditTargets::approvalDetail);
  }

  @Override
  public void listApprovals(ListApprovalsRequest req, StreamObserver<ListApprovalsResponse> out) {
    calls.serve(APPROVAL_LIST, null, "approvals", out, c -> keys.list(req));
  }

  // ---- TLS keys ----

  @Override
  public void prepareTlsKey(PrepareTlsKeyRequest req, StreamObserver<TlsKey> out) {
    calls.serve(TLS_PREPARE, null, "tls/keys", out, c -> keys.prepareTlsKey(req),
        k -> "label=" + k.getLabel() + " sha256=" + k.getCertificateSha256());
  }

  @Override
  public void installTlsCertificate(
      InstallTlsCertificateRequest req, StreamObserver<TlsKey> out) {
    calls.serve(TLS_INSTALL_CERT, null, "tls/key/" + req.getLabel(), out,
        c -> keys.installTlsCertificate(req),
        k -> "issuer=" + k.getIssuer() + " sha256=" + k.getCertificateSha256());
  }

  @Override
  public void listTlsKeys(ListTlsKeysRequest req, StreamObserver<ListTlsKeysResponse> out) {
    calls.serve(TLS_LIST, null, "tls/keys", out, c -> keys.listTlsKeys());
  }

  // ---- audit log ----

  @Override
  public void auditTail(AuditTailRequest req, StreamObserver<AuditRecords> out) {
    calls.serve(
        AUDIT_TAIL, null, "audit", out, c -> ops.auditTail(req), AuditTargets::recordsDetail);
  }

  @Override
  public void auditQuery(AuditQueryRequest req, StreamObserver<AuditRecords> out) {
    calls.serve(
        AUDIT_QUERY,
        null,
        "audit",
        out,
        c -> ops.auditQuery(req),
        AuditTargets::recordsDetail);
  }

  @Override
  public void auditVerify(AuditVerifyRequest req, StreamObserver<AuditVerification> out) {
    calls.serve(
        AUDIT_VERIFY,
        null,
        "audit",
        out,
        c -> ops.auditVerify(),
        v -> (v.getClean() ? "clean" : "problems=" + v.getProblemsCount())
            + " records=" + v.getRecords() + " lastSeq=" + v.getLastSeq()
            + " lastSignedSeq=" + v.getLastVerifiedSignedSeq());
  }
}
