package io.keygate.gateway.admin.access;

import static io.keygate.gateway.admin.access.AdminAction.*;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who may do what in the admin API: role × operation × tenant → allow or deny. Plain and
 * immutable, no gRPC types, so the whole table is tested directly; every RPC asks it before doing
 * anything.
 *
 * <p>Separation of duties: officers handle keys and who is an admin, but do not register APIs,
 * grant access, nor issue credentials (a working secret of any tenant's app would let one officer
 * act as that tenant); they may still retire and revoke them. Tenant-admins configure access
 * inside their tenant and issue, rotate and revoke its apps' credentials (they could act as their
 * tenant anyway), but never read the audit log (it spans every tenant). Both may set an API's
 * payload encryption (the tenant's data; an officer may impose it), retire and promote its payload
 * keys (neither adds nor reveals a key; only the tenant's admin issues one), and an API's signature version
 * requirement; only officers set a tenant's default, a floor its admin cannot lower. Reads are wider than writes because seeing metadata is how each role checks
 * the others' work; secrets are never readable by anyone.
 */
public final class AdminPolicy {
  private static final Map<AdminRole, Set<AdminAction>> ALLOWED = table();

  private static Map<AdminRole, Set<AdminAction>> table() {
    Map<AdminRole, Set<AdminAction>> t = new EnumMap<>(AdminRole.class);
    t.put(
        AdminRole.SECURITY_OFFICER,
        EnumSet.of(
            WHO_AM_I,
            TENANT_CREATE, TENANT_LIST,
            APP_CREATE, APP_LIST,
            CREDENTIAL_RETIRE, CREDENTIAL_REVOKE, CREDENTIAL_LIST,
            DOMAIN_ALLOW, DOMAIN_REMOVE, BACKEND_ALLOW, BACKEND_REMOVE, ALLOWANCE_LIST,
            BACKEND_TLS_SET, BACKEND_TLS_REMOVE, BACKEND_TLS_LIST,
            API_LIST, API_ENCRYPTION_SET, PAYLOAD_KEY_LIST, PAYLOAD_KEY_RETIRE,
            PAYLOAD_KEY_PROMOTE, GRANT_LIST,
            AUTHORIZATION_LIST, API_SIGNATURE_SET, TENANT_SIGNATURE_SET,
            PRINCIPAL_ADD, PRINCIPAL_REMOVE, PRINCIPAL_LIST,
            APPROVAL_REQUEST, APPROVAL_APPROVE, APPROVAL_REJECT, APPROVAL_LIST,
            TLS_PREPARE, TLS_INSTALL_CERT, TLS_LIST,
            AUDIT_TAIL, AUDIT_QUERY, AUDIT_VERIFY));
    // Only tenant-scoped operations: the tenant check below then applies to every one of them.
    t.put(
        AdminRole.TENANT_ADMIN,
        EnumSet.of(
            WHO_AM_I,
            APP_CREATE, APP_LIST,
            CREDENTIAL_CREATE, CREDENTIAL_ADD, CREDENTIAL_BULK_CREATE, CREDENTIAL_RETIRE,
            CREDENTIAL_REVOKE, CREDENTIAL_LIST,
            ALLOWANCE_LIST,
            API_REGISTER, API_UPDATE, API_REMOVE, API_LIST, API_ENCRYPTION_SET, PAYLOAD_KEY_LIST,
            API_SIGNATURE_SET,
            PAYLOAD_KEY_ISSUE, PAYLOAD_KEY_RETIRE, PAYLOAD_KEY_PROMOTE,
            GRANT_CREATE, GRANT_REVOKE, GRANT_LIST,
            AUTHORIZATION_CREATE, AUTHORIZATION_REVOKE, AUTHORIZATION_LIST));
    EnumSet<AdminAction> reads = EnumSet.noneOf(AdminAction.class);
    for (AdminAction a : AdminAction.values()) {
      if (a.isRead()) {
        reads.add(a);
      }
    }
    t.put(AdminRole.AUDITOR, reads);
    t.replaceAll((role, actions) -> Collections.unmodifiableSet(actions));
    return Collections.unmodifiableMap(t);
  }

  /**
   * @param principal the caller's principal, or null if its certificate maps to none
   * @param targetTenant the tenant the request names (for {@link AdminAction.Scope#TENANT}
   *     operations; may be empty or null if the request named none, which never matches)
   */
  public AdminDecision decide(AdminPrincipal principal, AdminAction action, String targetTenant) {
    Objects.requireNonNull(action, "action");
    if (principal == null) {
      return AdminDecision.DENIED_UNKNOWN_IDENTITY;
    }
    if (!ALLOWED.get(principal.role()).contains(action)) {
      return AdminDecision.DENIED_ROLE;
    }
    if (principal.role() == AdminRole.TENANT_ADMIN
        && action.scope() == AdminAction.Scope.TENANT
        && !principal.tenantId().equals(targetTenant)) {
      return AdminDecision.DENIED_OTHER_TENANT;
    }
    return AdminDecision.ALLOW;
  }

  /** The operations a role may perform (for a tenant-admin: in its own tenant). */
  public Set<AdminAction> allowedFor(AdminRole role) {
    return ALLOWED.get(role);
  }
}
