-- The config schema. Plain SQL that runs unchanged on H2 2.x, MariaDB 10.11 and PostgreSQL 15.
--
-- * Instants are BIGINT milliseconds since the epoch (UTC). MariaDB's TIMESTAMP ends in 2038 and
--   converts through the session time zone; no zoned timestamp type is common to all three.
-- * Ownership is part of the keys: apps, apis and authorizations are UNIQUE on (id, tenant) so
--   that composite foreign keys make the database itself refuse a grant, a credential or a
--   cross-tenant authorization that mixes tenants, not only the store's checks.
-- * Every write bumps config_version in its own transaction; gateway nodes poll that one row.
-- * On MariaDB the database is switched to an exact-match collation first (ExactMatchCollation,
--   version 0.1) so ids, access keys and method names compare case-sensitively, as on H2/PG.

CREATE TABLE config_version (
  id      INT    NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT config_version_single_row CHECK (id = 1)
);
INSERT INTO config_version (id, version) VALUES (1, 0);

CREATE TABLE tenants (
  id         VARCHAR(64)  NOT NULL,
  name       VARCHAR(200) NOT NULL,
  created_at BIGINT       NOT NULL,
  PRIMARY KEY (id)
);

CREATE TABLE apps (
  id         VARCHAR(64)  NOT NULL,
  tenant_id  VARCHAR(64)  NOT NULL,
  name       VARCHAR(200) NOT NULL,
  created_at BIGINT       NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT apps_id_tenant_unique UNIQUE (id, tenant_id),
  CONSTRAINT apps_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX apps_tenant_idx ON apps (tenant_id);

CREATE TABLE credentials (
  access_key   VARCHAR(64) NOT NULL,
  app_id       VARCHAR(64) NOT NULL,
  tenant_id    VARCHAR(64) NOT NULL,
  secret_label VARCHAR(64) NOT NULL,
  not_after    BIGINT,
  revoked      BOOLEAN     NOT NULL,
  last_used    BIGINT,
  created_at   BIGINT      NOT NULL,
  PRIMARY KEY (access_key),
  CONSTRAINT credentials_app_fk FOREIGN KEY (app_id, tenant_id) REFERENCES apps (id, tenant_id)
);
CREATE INDEX credentials_tenant_idx ON credentials (tenant_id);

CREATE TABLE apis (
  id             VARCHAR(64)  NOT NULL,
  tenant_id      VARCHAR(64)  NOT NULL,
  method_name    VARCHAR(255) NOT NULL,
  backend_target VARCHAR(255) NOT NULL,
  auth_mode      VARCHAR(16)  NOT NULL,
  created_at     BIGINT       NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT apis_method_name_unique UNIQUE (method_name),
  CONSTRAINT apis_id_tenant_unique UNIQUE (id, tenant_id),
  CONSTRAINT apis_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT apis_auth_mode_check CHECK (auth_mode IN ('SIGNATURE', 'NONE'))
);
CREATE INDEX apis_tenant_idx ON apis (tenant_id);

CREATE TABLE grants (
  tenant_id  VARCHAR(64) NOT NULL,
  app_id     VARCHAR(64) NOT NULL,
  api_id     VARCHAR(64) NOT NULL,
  created_at BIGINT      NOT NULL,
  PRIMARY KEY (app_id, api_id),
  CONSTRAINT grants_app_fk FOREIGN KEY (app_id, tenant_id) REFERENCES apps (id, tenant_id),
  CONSTRAINT grants_api_fk FOREIGN KEY (api_id, tenant_id) REFERENCES apis (id, tenant_id)
);
CREATE INDEX grants_tenant_idx ON grants (tenant_id);

CREATE TABLE cross_tenant_authorizations (
  id                VARCHAR(64) NOT NULL,
  grantor_tenant_id VARCHAR(64) NOT NULL,
  grantee_app_id    VARCHAR(64) NOT NULL,
  grantee_tenant_id VARCHAR(64) NOT NULL,
  expires_at        BIGINT      NOT NULL,
  revoked           BOOLEAN     NOT NULL,
  created_at        BIGINT      NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT cta_id_grantor_unique UNIQUE (id, grantor_tenant_id),
  CONSTRAINT cta_grantor_fk FOREIGN KEY (grantor_tenant_id) REFERENCES tenants (id),
  CONSTRAINT cta_grantee_fk
    FOREIGN KEY (grantee_app_id, grantee_tenant_id) REFERENCES apps (id, tenant_id),
  CONSTRAINT cta_other_tenant_check CHECK (grantee_tenant_id <> grantor_tenant_id)
);
CREATE INDEX cta_grantor_idx ON cross_tenant_authorizations (grantor_tenant_id);
CREATE INDEX cta_grantee_tenant_idx ON cross_tenant_authorizations (grantee_tenant_id);

-- The APIs one authorization covers; each must be an API of the grantor tenant.
CREATE TABLE cross_tenant_authorization_apis (
  authorization_id  VARCHAR(64) NOT NULL,
  grantor_tenant_id VARCHAR(64) NOT NULL,
  api_id            VARCHAR(64) NOT NULL,
  PRIMARY KEY (authorization_id, api_id),
  CONSTRAINT cta_apis_authorization_fk
    FOREIGN KEY (authorization_id, grantor_tenant_id)
    REFERENCES cross_tenant_authorizations (id, grantor_tenant_id),
  CONSTRAINT cta_apis_api_fk FOREIGN KEY (api_id, grantor_tenant_id) REFERENCES apis (id, tenant_id)
);
CREATE INDEX cta_apis_api_idx ON cross_tenant_authorization_apis (api_id, grantor_tenant_id);
