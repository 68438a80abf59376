package io.keygate.gateway.admin.access;

import java.time.Instant;
import java.util.Objects;

/**
 * A certificate identity that may use the admin API, and as what.
 *
 * @param tenantId the tenant of a tenant-admin; null for the other roles
 * @param createdAt when the mapping was stored (null before it is)
 */
public record AdminPrincipal(
    IdentityMatch identity, AdminRole role, String tenantId, Instant createdAt) {
  public AdminPrincipal {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(role, "role");
    if ((role == AdminRole.TENANT_ADMIN) != (tenantId != null)) {
      throw new IllegalArgumentException("a tenant-admin needs a tenant; other roles have none");
    }
  }

  public static AdminPrincipal officer(IdentityMatch identity) {
    return new AdminPrincipal(identity, AdminRole.SECURITY_OFFICER, null, null);
  }

  public static AdminPrincipal auditor(IdentityMatch identity) {
    return new AdminPrincipal(identity, AdminRole.AUDITOR, null, null);
  }

  public static AdminPrincipal tenantAdmin(IdentityMatch identity, String tenantId) {
    return new AdminPrincipal(
        identity, AdminRole.TENANT_ADMIN, Objects.requireNonNull(tenantId), null);
  }
}
