package io.keygate.admin.online;

import com.google.protobuf.Timestamp;
import io.keygate.admin.cli.Table;
import io.keygate.proto.admin.v1.AddSecurityOfficer;
import io.keygate.proto.admin.v1.RemoveSecurityOfficer;
import io.keygate.proto.admin.v1.Api;
import io.keygate.proto.admin.v1.BackendAllowance;
import io.keygate.proto.admin.v1.DomainAllowance;
import io.keygate.proto.admin.v1.App;
import io.keygate.proto.admin.v1.Approval;
import io.keygate.proto.admin.v1.ApprovalRequest;
import io.keygate.proto.admin.v1.ApprovalState;
import io.keygate.proto.admin.v1.AuditRecord;
import io.keygate.proto.admin.v1.Authorization;
import io.keygate.proto.admin.v1.Credential;
import io.keygate.proto.admin.v1.DualControlOperation;
import io.keygate.proto.admin.v1.Grant;
import io.keygate.proto.admin.v1.Principal;
import io.keygate.proto.admin.v1.Tenant;
import io.keygate.proto.admin.v1.TlsKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How admin API objects look in output: JSON maps with camelCase fields and the same names in text
 * tables. Enum values print as the CLI accepts them ({@code security-officer}, {@code signature}).
 * There is no view of a secret here; only the create and add verbs print one.
 */
final class ProtoViews {
  private ProtoViews() {}

  static String enumName(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static String time(boolean present, Timestamp ts) {
    return present ? Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos()).toString() : null;
  }

  static Map<String, Object> tenant(Tenant t) {
    return map("id", t.getId(), "name", t.getName());
  }

  static Map<String, Object> app(App a) {
    return map("id", a.getId(), "tenantId", a.getTenantId(), "name", a.getName());
  }

  static Map<String, Object> credential(Credential c) {
    return map(
        "accessKey", c.getAccessKey(),
        "tenantId", c.getTenantId(),
        "appId", c.getAppId(),
        "state", enumName(c.getState()),
        "notAfter", time(c.hasNotAfter(), c.getNotAfter()),
        "lastUsed", time(c.hasLastUsed(), c.getLastUsed()),
        "secretKeyLabel", c.getSecretKeyLabel());
  }

  static Map<String, Object> api(Api a) {
    return map(
        "id", a.getId(),
        "tenantId", a.getTenantId(),
        "domain", a.getDomain(),
        "methodName", a.getMethodName(),
        "backendTarget", a.getBackendTarget(),
        "authMode", enumName(a.getAuthMode()),
        "preauthMaxMessageBytes", a.getPreauthMaxMessageBytes(),
        "encryption", encryption(a.getEncryption()),
        "signatureRequirement", ApiSignatureCommand.text(a.getSignatureRequirement()));
  }

  /** none, client, backend or both; "unknown" from a server older than admin API 1.8. */
  static String encryption(io.keygate.proto.admin.v1.EncryptionPolicy p) {
    return switch (p) {
      case ENCRYPTION_NONE -> "none";
      case ENCRYPTION_CLIENT -> "client";
      case ENCRYPTION_BACKEND -> "backend";
      case ENCRYPTION_BOTH -> "both";
      case ENCRYPTION_POLICY_UNSPECIFIED, UNRECOGNIZED -> "unknown";
    };
  }

  static Map<String, Object> domain(DomainAllowance d) {
    return map("tenantId", d.getTenantId(), "domain", d.getDomain());
  }

  static Map<String, Object> backend(BackendAllowance b) {
    return map(
        "tenantId", b.getTenantId(),
        "backendTarget", b.getBackendTarget(),
        "allowUnauthenticated", b.getAllowUnauthenticated());
  }

  static Map<String, Object> grant(Grant g) {
    return map("tenantId", g.getTenantId(), "appId", g.getAppId(), "apiId", g.getApiId());
  }

  static Map<String, Object> authorization(Authorization a) {
    return map(
        "id", a.getId(),
        "grantorTenantId", a.getGrantorTenantId(),
        "granteeAppId", a.getGranteeAppId(),
        "apiIds", List.copyOf(a.getApiIdsList()),
        "expiresAt", time(a.hasExpiresAt(), a.getExpiresAt()),
        "revoked", a.getRevoked(),
        "live", a.getLive());
  }

  static Map<String, Object> principal(Principal p) {
    return map(
        "subject", p.hasSubject() ? p.getSubject() : null,
        "certificateSha256", p.hasCertificateSha256() ? p.getCertificateSha256() : null,
        "role", enumName(p.getRole()),
        "tenantId", p.getTenantId().isEmpty() ? null : p.getTenantId(),
        "createdAt", time(p.hasCreatedAt(), p.getCreatedAt()));
  }

  static String credentialsTable(List<Credential> credentials) {
    Table table = new Table("ACCESS KEY", "APP", "STATE", "NOT AFTER", "LAST USED");
    for (Credential c : credentials) {
      table.row(
          c.getAccessKey(),
          c.getAppId(),
          enumName(c.getState()),
          time(c.hasNotAfter(), c.getNotAfter()),
          time(c.hasLastUsed(), c.getLastUsed()));
    }
    return table.render();
  }

  static String authorizationsTable(List<Authorization> authorizations) {
    Table table = new Table("ID", "GRANTOR", "GRANTEE APP", "APIS", "EXPIRES", "LIVE");
    for (Authorization a : authorizations) {
      table.row(
          a.getId(),
          a.getGrantorTenantId(),
          a.getGranteeAppId(),
          String.join(",", a.getApiIdsList()),
          time(a.hasExpiresAt(), a.getExpiresAt()),
          a.getLive() ? "yes" : a.getRevoked() ? "revoked" : "expired");
    }
    return table.render();
  }

  static Map<String, Object> auditRecord(AuditRecord r) {
    return map(
        "seq", r.getSeq(),
        "time", time(r.hasTime(), r.getTime()),
        "actor", r.getActor(),
        "role", r.getRole(),
        "action", r.getAction(),
        "target", r.getTarget(),
        "outcome", r.getOutcome(),
        "requestId", r.getRequestId(),
        "detail", r.getDetail(),
        "hash", r.getHash());
  }

  /** The records without their hashes (in JSON only): a line per record is what people read. */
  static String auditTable(List<AuditRecord> records) {
    Table table =
        new Table("SEQ", "TIME", "ACTOR", "ROLE", "ACTION", "TARGET", "OUTCOME", "REQUEST", "DETAIL");
    for (AuditRecord r : records) {
      table.row(
          Long.toString(r.getSeq()),
          time(r.hasTime(), r.getTime()),
          r.getActor(),
          r.getRole(),
          r.getAction(),
          r.getTarget(),
          r.getOutcome(),
          r.getRequestId(),
          r.getDetail().isEmpty() ? null : r.getDetail());
    }
    return table.render();
  }

  /** {@code APPROVAL_PENDING} prints as {@code pending}: the prefix only repeats the type. */
  static String approvalState(ApprovalState state) {
    String name = enumName(state);
    return name.startsWith("approval-") ? name.substring("approval-".length()) : name;
  }

  /** The operation, its kind named as the {@code approval request} verb that asks for it. */
  static Map<String, Object> operation(DualControlOperation op) {
    switch (op.getOperationCase()) {
      case DESTROY_KEY:
        return map("kind", "destroy-key", "label", op.getDestroyKey().getLabel());
      case REVOKE_TENANT_CREDENTIALS:
        return map(
            "kind", "revoke-tenant-credentials",
            "tenantId", op.getRevokeTenantCredentials().getTenantId());
      case REWRAP_CREDENTIALS:
        return map(
            "kind", "rewrap-credentials",
            "fromKek", op.getRewrapCredentials().getFromKek(),
            "toKek", op.getRewrapCredentials().getToKek());
      case DESTROY_KEK:
        return map("kind", "destroy-kek", "kekId", op.getDestroyKek().getKekId());
      case ACTIVATE_TLS_KEY:
        // The certificate the server pinned when the request was made: what approvers approve.
        String pinned = op.getActivateTlsKey().getCertificateSha256();
        return map(
            "kind", "activate-tls-key",
            "listener", op.getActivateTlsKey().getListener(),
            "label", op.getActivateTlsKey().getLabel(),
            "certificateSha256", pinned.isEmpty() ? null : pinned);
      case ADD_SECURITY_OFFICER:
        AddSecurityOfficer officer = op.getAddSecurityOfficer();
        return map(
            "kind", "add-officer",
            "subject", officer.hasSubject() ? officer.getSubject() : null,
            "certificateSha256",
                officer.hasCertificateSha256() ? officer.getCertificateSha256() : null);
      case REMOVE_SECURITY_OFFICER:
        RemoveSecurityOfficer removed = op.getRemoveSecurityOfficer();
        return map(
            "kind", "remove-officer",
            "subject", removed.hasSubject() ? removed.getSubject() : null,
            "certificateSha256",
                removed.hasCertificateSha256() ? removed.getCertificateSha256() : null,
            "allowBelowQuorum", removed.getAllowBelowQuorum());
      default:
        // A newer server's operation: the summary still says what it is.
        return map("kind", null);
    }
  }

  static Map<String, Object> approval(ApprovalRequest r) {
    return map(
        "id", r.getId(),
        "state", approvalState(r.getState()),
        "summary", r.getSummary(),
        "operation", operation(r.getOperation()),
        "reason", r.getReason(),
        "requestedBy", r.getRequestedBy(),
        "requestedAt", time(r.hasRequestedAt(), r.getRequestedAt()),
        "expiresAt", time(r.hasExpiresAt(), r.getExpiresAt()),
        "requiredApprovals", r.getRequiredApprovals(),
        "approvals", all(r.getApprovalsList(), ProtoViews::approvalBy),
        "outcome", r.getOutcome().isEmpty() ? null : r.getOutcome(),
        "decidedAt", time(r.hasDecidedAt(), r.getDecidedAt()));
  }

  private static Object approvalBy(Approval a) {
    return map("officer", a.getOfficer(), "approvedAt", time(a.hasApprovedAt(), a.getApprovedAt()));
  }

  /** "1/2": approvals given of those required. */
  static String approvalCount(ApprovalRequest r) {
    return r.getApprovalsCount() + "/" + r.getRequiredApprovals();
  }

  static String approvalsTable(List<ApprovalRequest> requests) {
    Table table =
        new Table("ID", "STATE", "SUMMARY", "REQUESTED BY", "APPROVALS", "EXPIRES", "OUTCOME");
    for (ApprovalRequest r : requests) {
      table.row(
          r.getId(),
          approvalState(r.getState()),
          r.getSummary(),
          r.getRequestedBy(),
          approvalCount(r),
          time(r.hasExpiresAt(), r.getExpiresAt()),
          r.getOutcome().isEmpty() ? null : r.getOutcome());
    }
    return table.render();
  }

  /** A TLS key without its CSR: only {@code tls prepare} has one, and adds it itself. */
  static Map<String, Object> tlsKey(TlsKey k) {
    return map(
        "label", k.getLabel(),
        "servedBy", List.copyOf(k.getServedByList()),
        "subject", k.getSubject(),
        "issuer", k.getIssuer(),
        "notBefore", time(k.hasNotBefore(), k.getNotBefore()),
        "notAfter", time(k.hasNotAfter(), k.getNotAfter()),
        "certificateSha256", k.getCertificateSha256(),
        "certificateChainPem", k.getCertificateChainPem());
  }

  /** The certificate of one TLS key, for the text of prepare and install-cert. */
  static String tlsKeyText(TlsKey k) {
    return "  subject    "
        + k.getSubject()
        + "\n  issuer     "
        + k.getIssuer()
        + "\n  sha256     "
        + k.getCertificateSha256()
        + "\n  valid      "
        + time(k.hasNotBefore(), k.getNotBefore())
        + " .. "
        + time(k.hasNotAfter(), k.getNotAfter())
        + "\n  served by  "
        + (k.getServedByCount() == 0 ? "nothing yet" : String.join(", ", k.getServedByList()))
        + "\n";
  }

  static String tlsKeysTable(List<TlsKey> keys) {
    Table table = new Table("LABEL", "SERVED BY", "SUBJECT", "NOT AFTER", "SHA256");
    for (TlsKey k : keys) {
      table.row(
          k.getLabel(),
          k.getServedByCount() == 0 ? null : String.join(",", k.getServedByList()),
          k.getSubject(),
          time(k.hasNotAfter(), k.getNotAfter()),
          k.getCertificateSha256());
    }
    return table.render();
  }

  static <T> List<Object> all(List<T> items, java.util.function.Function<T, Object> view) {
    List<Object> out = new ArrayList<>();
    items.forEach(i -> out.add(view.apply(i)));
    return out;
  }

  /** An ordered map from alternating keys and values; Map.of would lose the order. */
  static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      out.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return out;
  }
}
