-- Who may use the admin API, and as what. Plain SQL that runs unchanged on H2 2.x, MariaDB 10.11
-- and PostgreSQL 15 (see V1 for the conventions: BIGINT epoch milliseconds, exact-match ids).
--
-- * A row maps one client-certificate identity to a role: either the certificate's subject DN
--   (RFC 2253, as the JDK prints it) or the SHA-256 of the whole certificate (lower-case hex). A
--   fingerprint row pins one certificate; a subject row survives the certificate's renewal.
-- * A tenant-admin belongs to exactly one existing tenant; the other roles to none. The database
--   refuses anything else, not only AdminPrincipals.
-- * Not part of the gateway snapshot: no config_version bump. The admin API reads this table on
--   every call, so removing a row takes effect on the next call on every node.

CREATE TABLE admin_principals (
  identity_kind  VARCHAR(16)  NOT NULL,
  identity_value VARCHAR(512) NOT NULL,
  admin_role     VARCHAR(32)  NOT NULL,
  tenant_id      VARCHAR(64),
  created_at     BIGINT       NOT NULL,
  PRIMARY KEY (identity_kind, identity_value),
  CONSTRAINT admin_principals_kind_check CHECK (identity_kind IN ('SUBJECT', 'SHA256')),
  CONSTRAINT admin_principals_role_check
    CHECK (admin_role IN ('security-officer', 'tenant-admin', 'auditor')),
  CONSTRAINT admin_principals_tenant_check
    CHECK ((admin_role = 'tenant-admin' AND tenant_id IS NOT NULL)
        OR (admin_role <> 'tenant-admin' AND tenant_id IS NULL)),
  CONSTRAINT admin_principals_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX admin_principals_tenant_idx ON admin_principals (tenant_id);
