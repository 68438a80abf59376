-- Routing belongs to a tenant (admin API 1.2, signature spec 1.2).
--
-- * A domain is given to one tenant by a security officer (tenant_domains); an API is found by
--   the pair (domain, method name) instead of a cluster-wide method name, so another tenant can
--   never register a method name and receive calls signed for this tenant's domain.
-- * A tenant's APIs may forward only to backend targets a security officer allowed for that
--   tenant (tenant_backends), and use auth mode NONE only on targets allowed unauthenticated.
--   The composite foreign keys below make the database itself refuse anything else.
-- * Existing APIs keep working: they get no domain (legacy, found by method name alone, frozen:
--   none can be registered any more), and every (tenant, target) they use is allowed as it
--   stands, unauthenticated where a NONE-mode API uses it (created_at 0 marks these rows).
-- * An API may lower the node's pre-authentication message limit (NULL: the node's).

CREATE TABLE tenant_domains (
  domain_name VARCHAR(253) NOT NULL,
  tenant_id   VARCHAR(64)  NOT NULL,
  created_at  BIGINT       NOT NULL,
  PRIMARY KEY (domain_name),
  CONSTRAINT tenant_domains_domain_tenant_unique UNIQUE (domain_name, tenant_id),
  CONSTRAINT tenant_domains_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX tenant_domains_tenant_idx ON tenant_domains (tenant_id);

CREATE TABLE tenant_backends (
  tenant_id             VARCHAR(64)  NOT NULL,
  backend_target        VARCHAR(255) NOT NULL,
  allow_unauthenticated BOOLEAN      NOT NULL,
  created_at            BIGINT       NOT NULL,
  PRIMARY KEY (tenant_id, backend_target),
  CONSTRAINT tenant_backends_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);

INSERT INTO tenant_backends (tenant_id, backend_target, allow_unauthenticated, created_at)
  SELECT DISTINCT tenant_id, backend_target, TRUE, 0 FROM apis WHERE auth_mode = 'NONE';
INSERT INTO tenant_backends (tenant_id, backend_target, allow_unauthenticated, created_at)
  SELECT DISTINCT tenant_id, backend_target, FALSE, 0 FROM apis a
  WHERE NOT EXISTS (
    SELECT 1 FROM apis n
    WHERE n.tenant_id = a.tenant_id AND n.backend_target = a.backend_target
      AND n.auth_mode = 'NONE');

ALTER TABLE apis ADD COLUMN domain_name VARCHAR(253);
ALTER TABLE apis ADD COLUMN preauth_max_message_bytes INT;
ALTER TABLE apis DROP CONSTRAINT apis_method_name_unique;
ALTER TABLE apis ADD CONSTRAINT apis_route_unique UNIQUE (domain_name, method_name);
ALTER TABLE apis ADD CONSTRAINT apis_domain_fk
  FOREIGN KEY (domain_name, tenant_id) REFERENCES tenant_domains (domain_name, tenant_id);
ALTER TABLE apis ADD CONSTRAINT apis_backend_fk
  FOREIGN KEY (tenant_id, backend_target) REFERENCES tenant_backends (tenant_id, backend_target);
ALTER TABLE apis ADD CONSTRAINT apis_preauth_limit_check
  CHECK (preauth_max_message_bytes IS NULL OR preauth_max_message_bytes BETWEEN 1 AND 16777216);
