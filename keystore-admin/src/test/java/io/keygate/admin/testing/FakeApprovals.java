package io.keygate.admin.testing;

import com.google.protobuf.Timestamp;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keygate.proto.admin.v1.AddSecurityOfficer;
import io.keygate.proto.admin.v1.RemoveSecurityOfficer;
import io.keygate.proto.admin.v1.Approval;
import io.keygate.proto.admin.v1.ApprovalRequest;
import io.keygate.proto.admin.v1.ApprovalState;
import io.keygate.proto.admin.v1.DualControlOperation;
import io.keygate.proto.admin.v1.ListApprovalsResponse;
import io.keygate.proto.admin.v1.Principal;
import io.keygate.proto.admin.v1.RequestApprovalRequest;
import io.keygate.proto.admin.v1.Role;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The dual-control part of {@link FakeAdminService}, in memory: a request starts PENDING with the
 * requester's approval; each approval adds the next officer; the one that reaches {@link
 * #requiredApprovals} runs the operation, which fails with {@code KeyInUse} for the label {@link
 * #FAILING_LABEL} and succeeds otherwise. Unknown ids are NOT_FOUND and closed requests
 * FAILED_PRECONDITION, with the gateway's error codes (AdminError) in the trailers. Wording of
 * summaries and outcomes follows the gateway's. An activate-tls-key request gets the certificate
 * of {@link FakeTlsKeys#key} pinned, as the gateway pins the key's leaf when the request is made.
 */
public final class FakeApprovals {
  public static final String FAILING_LABEL = "fail-me";
  public static final String REQUESTER = "O=Keygate Admins,CN=alice";
  private static final String[] APPROVERS = {
    "O=Keygate Admins,CN=bob", "O=Keygate Admins,CN=carol", "O=Keygate Admins,CN=dave"
  };
  /** 2027-01-15T08:00:00Z. */
  public static final long NOW = 1_800_000_000L;

  /** The gateway's KEYGATE_APPROVALS_REQUIRED, for requests made from now on. */
  public int requiredApprovals = 2;

  /** Leaves approved requests RUNNING, as when another node runs it or stopped midway. */
  public boolean neverFinish;

  /**
   * As when M officers exist: AddPrincipal refuses a security-officer (FAILED_PRECONDITION
   * DualControlRequired), which only an approved add-officer request may add.
   */
  public boolean officersNeedDualControl;

  private final Map<String, ApprovalRequest> requests = new LinkedHashMap<>();

  public static String id(int n) {
    return String.format("00000000-0000-4000-8000-%012d", n);
  }

  ApprovalRequest request(RequestApprovalRequest r) {
    DualControlOperation op = pinned(r.getOperation());
    ApprovalRequest created =
        ApprovalRequest.newBuilder()
            .setId(id(requests.size() + 1))
            .setOperation(op)
            .setSummary(summary(op))
            .setReason(r.getReason())
            .setRequestedBy(REQUESTER)
            .setRequestedAt(at(NOW))
            .setExpiresAt(at(NOW + 24 * 3600))
            .setRequiredApprovals(requiredApprovals)
            .addApprovals(Approval.newBuilder().setOfficer(REQUESTER).setApprovedAt(at(NOW)))
            .setState(ApprovalState.APPROVAL_PENDING)
            .build();
    requests.put(created.getId(), created);
    return created;
  }

  /** Refuses a security-officer once {@link #officersNeedDualControl} is set. */
  void checkAddPrincipal(Principal p) {
    if (officersNeedDualControl && p.getRole() == Role.SECURITY_OFFICER) {
      throw error(
          Status.FAILED_PRECONDITION,
          "DualControlRequired",
          "adding a security-officer needs the approval of other officers now: request it through"
              + " dual control");
    }
  }

  private static DualControlOperation pinned(DualControlOperation op) {
    if (!op.hasActivateTlsKey()) {
      return op;
    }
    String sha256 = FakeTlsKeys.key(op.getActivateTlsKey().getLabel(), "gw").getCertificateSha256();
    return op.toBuilder()
        .setActivateTlsKey(op.getActivateTlsKey().toBuilder().setCertificateSha256(sha256))
        .build();
  }

  ApprovalRequest approve(String id) {
    ApprovalRequest.Builder b = pending(id).toBuilder();
    long when = NOW + 60L * b.getApprovalsCount();
    b.addApprovals(
        Approval.newBuilder()
            .setOfficer(APPROVERS[(b.getApprovalsCount() - 1) % APPROVERS.length])
            .setApprovedAt(at(when)));
    if (b.getApprovalsCount() >= b.getRequiredApprovals() && neverFinish) {
      b.setState(ApprovalState.APPROVAL_RUNNING);
    } else if (b.getApprovalsCount() >= b.getRequiredApprovals()) {
      boolean fails =
          b.getOperation().getDestroyKey().getLabel().equals(FAILING_LABEL)
              || b.getOperation().getActivateTlsKey().getLabel().equals(FAILING_LABEL);
      b.setState(fails ? ApprovalState.APPROVAL_FAILED : ApprovalState.APPROVAL_EXECUTED)
          .setOutcome(fails ? "KeyInUse" : "")
          .setDecidedAt(at(when));
    }
    return store(b.build());
  }

  ApprovalRequest reject(String id) {
    return store(
        pending(id).toBuilder()
            .setState(ApprovalState.APPROVAL_REJECTED)
            .setOutcome("rejected by " + APPROVERS[0])
            .setDecidedAt(at(NOW + 120))
            .build());
  }

  /** Newest first, as the server lists them. */
  ListApprovalsResponse list(boolean includeClosed) {
    List<ApprovalRequest> out = new ArrayList<>();
    for (ApprovalRequest r : requests.values()) {
      if (includeClosed || r.getState() == ApprovalState.APPROVAL_PENDING) {
        out.add(r);
      }
    }
    Collections.reverse(out);
    return ListApprovalsResponse.newBuilder().addAllRequests(out).build();
  }

  private ApprovalRequest pending(String id) {
    ApprovalRequest r = requests.get(id);
    if (r == null) {
      throw error(Status.NOT_FOUND, "ApprovalNotFound", "no such approval request");
    }
    if (r.getState() != ApprovalState.APPROVAL_PENDING) {
      throw error(
          Status.FAILED_PRECONDITION, "ApprovalClosed", "the request is no longer pending");
    }
    return r;
  }

  private ApprovalRequest store(ApprovalRequest r) {
    requests.put(r.getId(), r);
    return r;
  }

  /** A failure as the real server sends it: fixed message, error code and request id trailers. */
  public static StatusRuntimeException error(Status status, String code, String message) {
    Metadata trailers = new Metadata();
    trailers.put(Metadata.Key.of("x-keygate-error-code", Metadata.ASCII_STRING_MARSHALLER), code);
    trailers.put(
        Metadata.Key.of("x-keygate-request-id", Metadata.ASCII_STRING_MARSHALLER), "req-7");
    return status.withDescription(message).asRuntimeException(trailers);
  }

  private static String summary(DualControlOperation op) {
    switch (op.getOperationCase()) {
      case DESTROY_KEY:
        return "destroy HSM key " + op.getDestroyKey().getLabel();
      case DESTROY_KEK:
        return "destroy KEK " + op.getDestroyKek().getKekId()
            + " (refused while any credential is wrapped under it)";
      case REVOKE_TENANT_CREDENTIALS:
        return "revoke every credential of tenant "
            + op.getRevokeTenantCredentials().getTenantId();
      case ACTIVATE_TLS_KEY:
        return "serve TLS key "
            + op.getActivateTlsKey().getLabel()
            + " on the "
            + op.getActivateTlsKey().getListener()
            + " listener (certificate sha256 "
            + op.getActivateTlsKey().getCertificateSha256()
            + ")";
      case ADD_SECURITY_OFFICER:
        AddSecurityOfficer officer = op.getAddSecurityOfficer();
        String sha256 = officer.getCertificateSha256().replace(":", "").toLowerCase(Locale.ROOT);
        return "make "
            + (officer.hasSubject() ? "subject:" + officer.getSubject() : "sha256:" + sha256)
            + " a security-officer";
      case REMOVE_SECURITY_OFFICER:
        RemoveSecurityOfficer removed = op.getRemoveSecurityOfficer();
        return "remove security-officer "
            + (removed.hasSubject()
                ? "subject:" + removed.getSubject()
                : "sha256:" + removed.getCertificateSha256().toLowerCase(Locale.ROOT))
            + (removed.getAllowBelowQuorum()
                ? ", even if fewer officers than approvals required remain" : "");
      default:
        return "?";
    }
  }

  static Timestamp at(long seconds) {
    return Timestamp.newBuilder().setSeconds(seconds).build();
  }
}
