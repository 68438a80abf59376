package io.keygate.gateway.admin.api;

import io.keygate.proto.admin.v1.Api;
import io.keygate.proto.admin.v1.EncryptionPolicy;
import io.keygate.proto.admin.v1.ApprovalRequest;
import io.keygate.proto.admin.v1.AuditRecords;
import io.keygate.proto.admin.v1.Grant;
import io.keygate.proto.admin.v1.IssuedCredential;

/**
 * What the audit log keeps of an admin call: its target (a tenant-scoped path) and a short detail
 * of the result. Names and ids only: never a secret, never the records an audit read returned.
 */
final class AuditTargets {
  private AuditTargets() {}

  static String target(String tenant, String kind, String id) {
    return "tenant/" + tenant + "/" + kind + (id == null ? "" : "/" + id);
  }

  static String grantTarget(Grant g) {
    return target(g.getTenantId(), "grant", g.getAppId() + ":" + g.getApiId());
  }

  static String principalTarget(String subject, String sha256) {
    return subject.isEmpty() ? "principal/sha256:" + sha256 : "principal/subject:" + subject;
  }

  /** Names the new AccessKey; the secret never goes into the audit log. */
  static String newAccessKey(IssuedCredential issued) {
    return "accessKey=" + issued.getCredential().getAccessKey();
  }

  /** Which records were read, not their content: the log must not copy itself. */
  static String recordsDetail(AuditRecords r) {
    int n = r.getRecordsCount();
    return n == 0
        ? "records=0"
        : "records=" + n + " seq=" + r.getRecords(0).getSeq() + ".."
            + r.getRecords(n - 1).getSeq();
  }

  static String approvalDetail(ApprovalRequest r) {
    return "id=" + r.getId() + " " + r.getSummary() + " state=" + r.getState()
        + " approvals=" + r.getApprovalsCount() + "/" + r.getRequiredApprovals();
  }

  static String apiDetail(Api a) {
    return a.getDomain() + " " + a.getMethodName() + " -> " + a.getBackendTarget() + " "
        + a.getAuthMode() + (a.getPreauthMaxMessageBytes() == 0 ? ""
            : " preauthMax=" + a.getPreauthMaxMessageBytes())
        + (a.getEncryption() == EncryptionPolicy.ENCRYPTION_POLICY_UNSPECIFIED ? ""
            : " encryption=" + a.getEncryption());
  }

  /**
   * A backend target may hold any printable text the parser accepts; it is kept whole but
   * quoted by its position at the end of the path.
   */
  static String backendTarget(String tenant, String target) {
    return target(tenant, "backend", target);
  }
}
