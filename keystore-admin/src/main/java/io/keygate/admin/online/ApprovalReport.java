package io.keygate.admin.online;

import io.keygate.proto.admin.v1.Approval;
import io.keygate.proto.admin.v1.ApprovalRequest;
import java.util.stream.Collectors;

/**
 * The text of one approval request for a person: a first line saying where it stands and, while it
 * is pending, the exact command the next officer runs (the id is a UUID nobody retypes), then the
 * details the approvers judge it by.
 */
final class ApprovalReport {
  private ApprovalReport() {}

  static String text(ApprovalRequest r) {
    StringBuilder sb = new StringBuilder(status(r)).append('\n');
    line(sb, "operation", operation(r));
    line(sb, "reason", r.getReason());
    String requestedAt = ProtoViews.time(r.hasRequestedAt(), r.getRequestedAt());
    line(sb, "requested", "by " + r.getRequestedBy() + " at " + requestedAt);
    line(
        sb,
        "approved by",
        r.getApprovalsList().stream().map(Approval::getOfficer).collect(Collectors.joining("; ")));
    if (r.hasDecidedAt()) {
      line(sb, "decided", ProtoViews.time(true, r.getDecidedAt()));
    } else {
      line(sb, "expires", ProtoViews.time(r.hasExpiresAt(), r.getExpiresAt()));
    }
    return sb.toString();
  }

  /**
   * The server's summary, and for a TLS key the certificate the server pinned when the request was
   * made (the gateway's summary names it; this covers one whose summary does not).
   */
  private static String operation(ApprovalRequest r) {
    String summary = r.getSummary();
    String pinned = r.getOperation().getActivateTlsKey().getCertificateSha256();
    if (pinned.isEmpty() || summary.contains(pinned)) {
      return summary;
    }
    return summary + " (certificate sha256 " + pinned + ")";
  }

  private static String status(ApprovalRequest r) {
    String request = "request " + r.getId() + " ";
    String count = r.getApprovalsCount() + " of " + r.getRequiredApprovals() + " approvals";
    switch (r.getState()) {
      case APPROVAL_PENDING:
        return request + "pending: " + count + "; " + nextStep(r);
      case APPROVAL_EXECUTED:
        return request + "executed (" + count + "): " + r.getSummary() + ".";
      case APPROVAL_FAILED:
        return request
            + "failed: approved ("
            + count
            + "), but the operation failed with "
            + r.getOutcome()
            + ".";
      case APPROVAL_RUNNING:
        return request
            + "running ("
            + count
            + "): "
            + r.getSummary()
            + " has started and not finished; if it stays so, the node running it stopped"
            + " midway.";
      case APPROVAL_REJECTED:
        // The outcome says who, and whether it was withdrawn or rejected.
        return request
            + "rejected, nothing was run"
            + (r.getOutcome().isEmpty() ? "." : ": " + r.getOutcome() + ".");
      case APPROVAL_EXPIRED:
        return request
            + "expired with "
            + count
            + " at "
            + ProtoViews.time(r.hasExpiresAt(), r.getExpiresAt())
            + "; nothing was run.";
      default:
        return request + ProtoViews.approvalState(r.getState()) + ".";
    }
  }

  /** Who must act next; with M above 2 a second approval leaves the request pending. */
  private static String nextStep(ApprovalRequest r) {
    int missing = Math.max(1, r.getRequiredApprovals() - r.getApprovalsCount());
    String who =
        missing == 1
            ? "another security-officer runs"
            : missing + " more security-officers each run";
    return who + ": keystore-admin approval approve " + r.getId();
  }

  private static void line(StringBuilder sb, String name, String value) {
    if (value != null && !value.isEmpty()) {
      sb.append("  ").append(String.format("%-12s", name)).append(value).append('\n');
    }
  }
}
