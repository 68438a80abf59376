package io.keygate.gateway.admin.api;

import static io.keygate.gateway.admin.access.AdminAction.*;

import io.grpc.stub.StreamObserver;
import io.keygate.proto.admin.v1.*;
import java.util.Objects;

/** The admin API's RPCs for key control and the record: dual control (approvals), TLS keys, and the audit log: each names its action, tenant, audit target and detail, and
 * hands the work on ({@link AdminService} binds them). */
final class ControlRpcs implements AdminRpcs {
  private final AdminCalls calls;
  private final AdminOperations ops;
  private final KeyControl keys;

  ControlRpcs(AdminCalls calls, AdminOperations ops, KeyControl keys) {
    this.calls = Objects.requireNonNull(calls, "calls");
    this.ops = Objects.requireNonNull(ops, "ops");
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  @Override
  public void bindTo(AdminRpcTable table) {
    table.unary(AdminServiceGrpc.getRequestApprovalMethod(), this::requestApproval);
    table.unary(AdminServiceGrpc.getApproveMethod(), this::approve);
    table.unary(AdminServiceGrpc.getRejectApprovalMethod(), this::rejectApproval);
    table.unary(AdminServiceGrpc.getListApprovalsMethod(), this::listApprovals);
    table.unary(AdminServiceGrpc.getPrepareTlsKeyMethod(), this::prepareTlsKey);
    table.unary(AdminServiceGrpc.getInstallTlsCertificateMethod(), this::installTlsCertificate);
    table.unary(AdminServiceGrpc.getListTlsKeysMethod(), this::listTlsKeys);
    table.unary(AdminServiceGrpc.getAuditTailMethod(), this::auditTail);
    table.unary(AdminServiceGrpc.getAuditQueryMethod(), this::auditQuery);
    table.unary(AdminServiceGrpc.getAuditVerifyMethod(), this::auditVerify);
  }

  private void requestApproval(RequestApprovalRequest req, StreamObserver<ApprovalRequest> out) {
    calls.serve(APPROVAL_REQUEST, null, "approval", out, c -> keys.request(req, c),
        r -> "id=" + r.getId() + " " + r.getSummary() + " reason=" + r.getReason());
  }

  private void approve(ApproveRequest req, StreamObserver<ApprovalRequest> out) {
    calls.serve(APPROVAL_APPROVE, null, "approval/" + req.getId(), out, c -> keys.approve(req, c),
        AuditTargets::approvalDetail);
  }

  private void rejectApproval(RejectApprovalRequest req, StreamObserver<ApprovalRequest> out) {
    calls.serve(APPROVAL_REJECT, null, "approval/" + req.getId(), out, c -> keys.reject(req, c),
        AuditTargets::approvalDetail);
  }

  private void listApprovals(ListApprovalsRequest req, StreamObserver<ListApprovalsResponse> out) {
    calls.serve(APPROVAL_LIST, null, "approvals", out, c -> keys.list(req));
  }

  private void prepareTlsKey(PrepareTlsKeyRequest req, StreamObserver<TlsKey> out) {
    calls.serve(TLS_PREPARE, null, "tls/keys", out, c -> keys.prepareTlsKey(req),
        k -> "label=" + k.getLabel() + " sha256=" + k.getCertificateSha256());
  }

  private void installTlsCertificate(
      InstallTlsCertificateRequest req, StreamObserver<TlsKey> out) {
    calls.serve(TLS_INSTALL_CERT, null, "tls/key/" + req.getLabel(), out,
        c -> keys.installTlsCertificate(req),
        k -> "issuer=" + k.getIssuer() + " sha256=" + k.getCertificateSha256());
  }

  private void listTlsKeys(ListTlsKeysRequest req, StreamObserver<ListTlsKeysResponse> out) {
    calls.serve(TLS_LIST, null, "tls/keys", out, c -> keys.listTlsKeys());
  }

  private void auditTail(AuditTailRequest req, StreamObserver<AuditRecords> out) {
    calls.serve(
        AUDIT_TAIL, null, "audit", out, c -> ops.auditTail(req), AuditTargets::recordsDetail);
  }

  private void auditQuery(AuditQueryRequest req, StreamObserver<AuditRecords> out) {
    calls.serve(
        AUDIT_QUERY,
        null,
        "audit",
        out,
        c -> ops.auditQuery(req),
        AuditTargets::recordsDetail);
  }

  private void auditVerify(AuditVerifyRequest req, StreamObserver<AuditVerification> out) {
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
