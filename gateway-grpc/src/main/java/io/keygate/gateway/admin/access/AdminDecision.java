package io.keygate.gateway.admin.access;

/**
 * What {@link AdminPolicy} decided. Every denial reaches the caller as the same PERMISSION_DENIED
 * with the same message (so a tenant-admin learns nothing about other tenants); the reason goes
 * to the audit log.
 */
public enum AdminDecision {
  ALLOW,
  /** The client certificate maps to no admin principal. */
  DENIED_UNKNOWN_IDENTITY,
  /** The principal's role may not do this at all. */
  DENIED_ROLE,
  /** A tenant-admin named a tenant other than its own. */
  DENIED_OTHER_TENANT;

  public boolean allowed() {
    return this == ALLOW;
  }
}
