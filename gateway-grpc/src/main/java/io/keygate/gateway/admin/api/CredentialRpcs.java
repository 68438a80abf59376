package io.keygate.gateway.admin.api;

import static io.keygate.gateway.admin.access.AdminAction.*;

import io.grpc.stub.StreamObserver;
import io.keygate.proto.admin.v1.*;
import java.util.Objects;

/** The admin API's RPCs for credentials: issue, add, retire, revoke, list, and bulk issuance: each names its action, tenant, audit target and detail, and
 * hands the work on ({@link AdminService} binds them). */
final class CredentialRpcs implements AdminRpcs {
  private final AdminCalls calls;
  private final AdminOperations ops;
  private final BulkCredentials bulk;

  CredentialRpcs(AdminCalls calls, AdminOperations ops, BulkCredentials bulk) {
    this.calls = Objects.requireNonNull(calls, "calls");
    this.ops = Objects.requireNonNull(ops, "ops");
    this.bulk = Objects.requireNonNull(bulk, "bulk");
  }

  @Override
  public void bindTo(AdminRpcTable table) {
    table.unary(AdminServiceGrpc.getCreateCredentialMethod(), this::createCredential);
    table.unary(AdminServiceGrpc.getAddCredentialMethod(), this::addCredential);
    table.unary(AdminServiceGrpc.getRetireCredentialMethod(), this::retireCredential);
    table.unary(AdminServiceGrpc.getCreateCredentialsMethod(), this::createCredentials);
    table.unary(AdminServiceGrpc.getRevokeCredentialMethod(), this::revokeCredential);
    table.unary(AdminServiceGrpc.getListCredentialsMethod(), this::listCredentials);
  }

  private void createCredential(CreateCredentialRequest req, StreamObserver<IssuedCredential> out) {
    String tenant = req.getTenantId();
    calls.serve(CREDENTIAL_CREATE, tenant, AuditTargets.target(tenant, "app", req.getAppId()), out,
        c -> ops.createCredential(req), AuditTargets::newAccessKey);
  }

  private void addCredential(AddCredentialRequest req, StreamObserver<IssuedCredential> out) {
    String tenant = req.getTenantId();
    calls.serve(CREDENTIAL_ADD, tenant, AuditTargets.target(tenant, "app", req.getAppId()), out,
        c -> ops.addCredential(req), AuditTargets::newAccessKey);
  }

  private void retireCredential(RetireCredentialRequest req, StreamObserver<Credential> out) {
    String tenant = req.getTenantId();
    calls.serve(
        CREDENTIAL_RETIRE,
        tenant,
        AuditTargets.target(tenant, "credential", req.getAccessKey()),
        out,
        c -> ops.retireCredential(req),
        r -> "notAfter=" + AdminMessages.instant(r.getNotAfter()));
  }

  private void createCredentials(
      CreateCredentialsRequest req, StreamObserver<CreateCredentialsResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(CREDENTIAL_BULK_CREATE, tenant, AuditTargets.target(tenant, "apps", null), out,
        c -> bulk.create(req), r -> BulkCredentials.auditDetail(req, r));
  }

  private void revokeCredential(RevokeCredentialRequest req, StreamObserver<Credential> out) {
    String tenant = req.getTenantId();
    calls.serve(CREDENTIAL_REVOKE, tenant,
        AuditTargets.target(tenant, "credential", req.getAccessKey()), out,
        c -> ops.revokeCredential(req));
  }

  private void listCredentials(
      ListCredentialsRequest req, StreamObserver<ListCredentialsResponse> out) {
    String tenant = req.getTenantId();
    calls.serve(CREDENTIAL_LIST, tenant, AuditTargets.target(tenant, "credentials", null), out,
        c -> ops.listCredentials(req));
  }
}
