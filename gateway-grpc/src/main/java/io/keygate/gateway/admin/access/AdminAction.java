package io.keygate.gateway.admin.access;

/**
 * Every operation of the admin API, as {@link AdminPolicy} decides on it and the audit log names
 * it. The audit verb is stable: auditors query by it.
 */
public enum AdminAction {
  WHO_AM_I("whoami", Kind.READ, Scope.SELF),

  TENANT_CREATE("tenant.create", Kind.WRITE, Scope.GLOBAL),
  TENANT_LIST("tenant.list", Kind.READ, Scope.GLOBAL),

  APP_CREATE("app.create", Kind.WRITE, Scope.TENANT),
  APP_LIST("app.list", Kind.READ, Scope.TENANT),

  CREDENTIAL_CREATE("credential.create", Kind.WRITE, Scope.TENANT),
  CREDENTIAL_ADD("credential.add", Kind.WRITE, Scope.TENANT),
  CREDENTIAL_BULK_CREATE("credential.bulk-create", Kind.WRITE, Scope.TENANT),
  CREDENTIAL_RETIRE("credential.retire", Kind.WRITE, Scope.TENANT),
  CREDENTIAL_REVOKE("credential.revoke", Kind.WRITE, Scope.TENANT),
  CREDENTIAL_LIST("credential.list", Kind.READ, Scope.TENANT),

  // What a tenant's APIs may use: security officers decide, tenant-admins and auditors look.
  DOMAIN_ALLOW("domain.allow", Kind.WRITE, Scope.TENANT),
  DOMAIN_REMOVE("domain.remove", Kind.WRITE, Scope.TENANT),
  BACKEND_ALLOW("backend.allow", Kind.WRITE, Scope.TENANT),
  BACKEND_REMOVE("backend.remove", Kind.WRITE, Scope.TENANT),
  ALLOWANCE_LIST("allowance.list", Kind.READ, Scope.TENANT),
  // How nodes reach a backend (TLS, its trust anchors, the client key): cluster-wide, officers'.
  BACKEND_TLS_SET("backend-tls.set", Kind.WRITE, Scope.GLOBAL),
  BACKEND_TLS_REMOVE("backend-tls.remove", Kind.WRITE, Scope.GLOBAL),
  BACKEND_TLS_LIST("backend-tls.list", Kind.READ, Scope.GLOBAL),

  API_REGISTER("api.register", Kind.WRITE, Scope.TENANT),
  API_UPDATE("api.update", Kind.WRITE, Scope.TENANT),
  API_REMOVE("api.remove", Kind.WRITE, Scope.TENANT),
  API_LIST("api.list", Kind.READ, Scope.TENANT),
  // Since 1.8: the tenant's admin and security officers (docs/payload-encryption.md).
  API_ENCRYPTION_SET("api.encryption.set", Kind.WRITE, Scope.TENANT),
  PAYLOAD_KEY_LIST("payload-key.list", Kind.READ, Scope.TENANT),
  // Since 1.10 (docs/signature-spec.md, 13.5): an API's own requirement, the tenant's admin and
  // security officers; a tenant's default (a floor its admin cannot lower), officers only.
  API_SIGNATURE_SET("api.signature.set", Kind.WRITE, Scope.TENANT),
  TENANT_SIGNATURE_SET("tenant.signature.set", Kind.WRITE, Scope.TENANT),
  // Since 1.9: issuing, the tenant's admin only (the key is in the reply); retiring, also officers.
  PAYLOAD_KEY_ISSUE("payload-key.issue", Kind.WRITE, Scope.TENANT),
  PAYLOAD_KEY_RETIRE("payload-key.retire", Kind.WRITE, Scope.TENANT),
  // Since 1.11: promoting a staged key, like retiring: the tenant's admin and officers.
  PAYLOAD_KEY_PROMOTE("payload-key.promote", Kind.WRITE, Scope.TENANT),

  GRANT_CREATE("grant.create", Kind.WRITE, Scope.TENANT),
  GRANT_REVOKE("grant.revoke", Kind.WRITE, Scope.TENANT),
  GRANT_LIST("grant.list", Kind.READ, Scope.TENANT),

  AUTHORIZATION_CREATE("authorization.create", Kind.WRITE, Scope.TENANT),
  AUTHORIZATION_REVOKE("authorization.revoke", Kind.WRITE, Scope.TENANT),
  AUTHORIZATION_LIST("authorization.list", Kind.READ, Scope.TENANT),

  // Principals are not gateway configuration: writing them needs no snapshot refresh.
  PRINCIPAL_ADD("principal.add", Kind.ADMIN_WRITE, Scope.GLOBAL),
  PRINCIPAL_REMOVE("principal.remove", Kind.ADMIN_WRITE, Scope.GLOBAL),
  PRINCIPAL_LIST("principal.list", Kind.READ, Scope.GLOBAL),

  // Dual control and TLS keys are the officers' (auditors may look). Approving may run an
  // operation that changes the configuration; that operation refreshes the snapshot itself.
  APPROVAL_REQUEST("approval.request", Kind.ADMIN_WRITE, Scope.GLOBAL),
  APPROVAL_APPROVE("approval.approve", Kind.ADMIN_WRITE, Scope.GLOBAL),
  APPROVAL_REJECT("approval.reject", Kind.ADMIN_WRITE, Scope.GLOBAL),
  APPROVAL_LIST("approval.list", Kind.READ, Scope.GLOBAL),
  TLS_PREPARE("tls.prepare", Kind.ADMIN_WRITE, Scope.GLOBAL),
  TLS_INSTALL_CERT("tls.install-cert", Kind.ADMIN_WRITE, Scope.GLOBAL),
  TLS_LIST("tls.list", Kind.READ, Scope.GLOBAL),

  // The audit log spans every tenant: reading it is for officers and auditors only.
  AUDIT_TAIL("audit.tail", Kind.READ, Scope.GLOBAL),
  AUDIT_QUERY("audit.query", Kind.READ, Scope.GLOBAL),
  AUDIT_VERIFY("audit.verify", Kind.READ, Scope.GLOBAL);

  /** Whether the operation changes anything, and what. */
  public enum Kind {
    READ,
    /** Changes the gateway configuration: nodes must refresh their snapshot. */
    WRITE,
    /** Changes the admin plane (principals, approvals, HSM keys), not the snapshot directly. */
    ADMIN_WRITE
  }

  /** What the operation acts on, which decides whether a tenant-admin's tenant must match. */
  public enum Scope {
    /** The caller itself. */
    SELF,
    /** All tenants or the admin plane itself. */
    GLOBAL,
    /** One tenant, named in the request. */
    TENANT
  }

  private final String auditName;
  private final Kind kind;
  private final Scope scope;

  AdminAction(String auditName, Kind kind, Scope scope) {
    this.auditName = auditName;
    this.kind = kind;
    this.scope = scope;
  }

  /** The audit event's action, e.g. {@code credential.create}. */
  public String auditName() {
    return auditName;
  }

  public Kind kind() {
    return kind;
  }

  public Scope scope() {
    return scope;
  }

  public boolean isRead() {
    return kind == Kind.READ;
  }

  /** Whether a successful call changed what gateway nodes serve (their snapshot). */
  public boolean changesConfig() {
    return kind == Kind.WRITE;
  }
}
