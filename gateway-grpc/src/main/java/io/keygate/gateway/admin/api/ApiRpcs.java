package io.keygate.gateway.admin.api;

import static io.keygate.gateway.admin.access.AdminAction.*;

import io.grpc.stub.StreamObserver;
import io.keygate.proto.admin.v1.*;
import java.util.Objects;

/** The admin API's RPCs for APIs and how they are called: registration, encryption and signature requirements, payload keys, grants, cross-tenant authorizations, and how nodes reach backends (TLS): each names its action, tenant, audit target and detail, and
 * hands the work on ({@link AdminService} binds them). */
final class ApiRpcs implements AdminRpcs {
  private final AdminCalls calls;
  private final AdminOperations ops;
  private final BackendTlsOperations backendTls;

  ApiRpcs(AdminCalls calls, AdminOperations ops, BackendTlsOperations backendTls) {
    this.calls = Objects.requireNonNull(calls, "calls");
    this.ops = Objects.requireNonNull(ops, "ops");
    this.backendTls = Objects.requireNonNull(backendTls, "backendTls");
  }

  @Override
  public void bindTo(AdminRpcTable table) {
    table.unary(AdminServiceGrpc.getSetBackendTlsMethod(), this::setBackendTls);
    table.unary(AdminServiceGrpc.getRemoveBackendTlsMethod(), this::removeBackendTls);
    table.unary(AdminServiceGrpc.getListBackendTlsMethod(), this::listBackendTls);
    table.unary(AdminServiceGrpc.getRegisterApiMethod(), this::registerApi);
    table.unary(AdminServiceGrpc.getUpdateApiMethod(), this::updateApi);
    table.unary(AdminServiceGrpc.getSetApiEncryptionMethod(), this::setApiEncryption);
    table.unary(AdminServiceGrpc.getSetSignatureRequirementMethod(), this::setSignatureRequirement);
    table.unary(AdminServiceGrpc.getListPayloadKeysMethod(), this::listPayloadKeys);
    table.unary(AdminServiceGrpc.getIssuePayloadKeyMethod(), this::issuePayloadKey);
    table.unary(AdminServiceGrpc.getRetirePayloadKeyMethod(), this::retirePayloadKey);
    table.unary(AdminServiceGrpc.getRemoveApiMethod(), this::removeApi);
    table.unary(AdminServiceGrpc.getListApisMethod(), this::listApis);
    table.unary(AdminServiceGrpc.getCreateGrantMethod(), this::createGrant);
    table.unary(AdminServiceGrpc.getRevokeGrantMethod(), this::revokeGrant);
    table.unary(AdminServiceGrpc.getListGrantsMethod(), this::listGrants);
    table.unary(AdminServiceGrpc.getCreateAuthorizationMethod(), this::createAuthorization);
    table.unary(AdminServiceGrpc.getRevokeAuthorizationMethod(), this::revokeAuthorization);
    table.unary(AdminServiceGrpc.getListAuthorizationsMethod(), this::listAuthorizations);
    table.unary(AdminServiceGrpc.getPromotePayloadKeyMethod(), this::promotePayloadKey);
  }

  private void setBackendTls(SetBackendTlsRequest req, StreamObserver<BackendTls> out) {
    calls.serve(BACKEND_TLS_SET, null, "backend-tls/" + req.getPolicy().getBackendTarget(), out,
        c -> backendTls.set(req), BackendTlsOperations::auditDetail);
  }

  private void removeBackendTls(
      RemoveBackendTlsRequest req, StreamObserver<RemoveBackendTlsResponse> out) {
    calls.serve(BACKEND_TLS_REMOVE, null, "backend-tls/" + req.getBackendTarget(), out,
        c -> backendTls.remove(req));
  }

  private void listBackendTls(ListBackendTlsRequest req, StreamObserver<ListBackendTlsResponse> out) {
    calls.serve(BACKEND_TLS_LIST, null, "backend-tls", out, c -> backendTls.list());
  }

  private void registerApi(RegisterApiRequest req, StreamObserver<Api> out) {
    String tenant = req.getApi().getTenantId();
    calls.serve(API_REGISTER, tenant, AuditTargets.target(tenant, "api", req.getApi().getId()),
        out, c -> ops.registerApi(req), AuditTargets::apiDetail);
  }

  private void updateApi(UpdateApiRequest req, StreamObserver<Api> out) {
    String tenant = req.getApi().getTenantId();
    calls.serve(API_UPDATE, tenant, AuditTargets.target(tenant, "api", req.getApi().getId()),
        out, c -> ops.updateApi(req), AuditTargets::apiDetail);
  }

  private void setApiEncryption(SetApiEncryptionRequest req, StreamObserver<Api> out) {
    String tenant = req.getTenantId();
    calls.serve(API_ENCRYPTION_SET, tenant, AuditTargets.target(tenant, "api", req.getApiId()),
        out, c -> ops.setApiEncryption(req), AuditTargets::apiDetail);
  }

  private void setSignatureRequirement(SetSignatureRequirementRequest req,
      StreamObserver<SignatureRequirementState> out) {
    String tenant = req.getTenantId();
    boolean api = !req.getApiId().isEmpty();
    calls.serve(api ? API_SIGNATURE_SET : TENANT_SIGNATURE_SET, tenant,
        api ? AuditTargets.target(tenant, "api", req.getApiId()) : AuditTargets.target(tenant,
            "signature", null), out, c -> ops.setSignatureRequirement(req),
        s -> "set=" + req.getRequirement() + " effective=" + s.getEffective());
  }

  private void listPayloadKeys(ListPayloadKeysRequest req,
      StreamObserver<ListPayloadKeysResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(PAYLOAD_KEY_LIST, tenant, AuditTargets.target(tenant, "api", req.getApiId()),
        out, c -> ops.listPayloadKeys(req));
  }

  private void issuePayloadKey(IssuePayloadKeyRequest req, StreamObserver<IssuedPayloadKey> out) {
    String tenant = req.getTenantId();
    calls.serve(PAYLOAD_KEY_ISSUE, tenant, AuditTargets.target(tenant, "api", req.getApiId()),
        out, c -> ops.issuePayloadKey(req), k -> "hop=" + k.getKey().getHop() + " key="
            + k.getKey().getKeyId() + (k.getKey().getCurrent() ? "" : " staged"));
  }

  private void promotePayloadKey(PromotePayloadKeyRequest req,
      StreamObserver<ListPayloadKeysResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(PAYLOAD_KEY_PROMOTE, tenant, AuditTargets.target(tenant, "api", req.getApiId()),
        out, c -> ops.promotePayloadKey(req), k -> "hop=" + req.getHop() + " key="
            + req.getKeyId());
  }

  private void retirePayloadKey(RetirePayloadKeyRequest req,
      StreamObserver<ListPayloadKeysResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(PAYLOAD_KEY_RETIRE, tenant, AuditTargets.target(tenant, "api", req.getApiId()),
        out, c -> ops.retirePayloadKey(req));
  }

  private void removeApi(RemoveApiRequest req, StreamObserver<RemoveApiResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(
        API_REMOVE, tenant, AuditTargets.target(tenant, "api", req.getApiId()), out, c -> ops.removeApi(req));
  }

  private void listApis(ListApisRequest req, StreamObserver<ListApisResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(API_LIST, tenant, AuditTargets.target(tenant, "apis", null), out, c -> ops.listApis(req));
  }

  private void createGrant(CreateGrantRequest req, StreamObserver<Grant> out) {
    Grant g = req.getGrant();
    calls.serve(GRANT_CREATE, g.getTenantId(), AuditTargets.grantTarget(g), out, c -> ops.createGrant(req));
  }

  private void revokeGrant(RevokeGrantRequest req, StreamObserver<RevokeGrantResponse> out) {
    Grant g = req.getGrant();
    calls.serve(GRANT_REVOKE, g.getTenantId(), AuditTargets.grantTarget(g), out, c -> ops.revokeGrant(req));
  }

  private void listGrants(ListGrantsRequest req, StreamObserver<ListGrantsResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(GRANT_LIST, tenant, AuditTargets.target(tenant, "grants", null), out, c -> ops.listGrants(req));
  }

  private void createAuthorization(
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

  private void revokeAuthorization(
      RevokeAuthorizationRequest req, StreamObserver<Authorization> out) {
    String grantor = req.getGrantorTenantId();
    calls.serve(AUTHORIZATION_REVOKE, grantor,
        AuditTargets.target(grantor, "authorization", req.getAuthorizationId()), out,
        c -> ops.revokeAuthorization(req));
  }

  private void listAuthorizations(
      ListAuthorizationsRequest req, StreamObserver<ListAuthorizationsResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(AUTHORIZATION_LIST, tenant, AuditTargets.target(tenant, "authorizations", null),
        out, c -> ops.listAuthorizations(req));
  }
}
