package io.keygate.gateway.admin.access;

import java.util.Optional;

/** What an admin principal may do; see {@link AdminPolicy} for the table. */
public enum AdminRole {
  /** Credentials and keys; tenants, apps and admin principals. Reads everything. */
  SECURITY_OFFICER("security-officer"),
  /** Apps, APIs, grants and authorizations of its own tenant only. */
  TENANT_ADMIN("tenant-admin"),
  /** Reads everything, writes nothing. */
  AUDITOR("auditor");

  private final String wireName;

  AdminRole(String wireName) {
    this.wireName = wireName;
  }

  /** The name stored in {@code admin_principals.admin_role} and written to the audit log. */
  public String wireName() {
    return wireName;
  }

  public static Optional<AdminRole> fromWireName(String name) {
    for (AdminRole role : values()) {
      if (role.wireName.equals(name)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return wireName;
  }
}
