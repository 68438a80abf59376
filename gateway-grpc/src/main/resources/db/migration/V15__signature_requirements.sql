-- Signature version requirements (issue 13, admin API 1.10, docs/signature-spec.md section 13.5):
-- which signature versions an API's calls must use. Plain SQL for H2, MariaDB and PostgreSQL.
--
-- * tenant_signature_requirements: a tenant's default, set by a security officer; a floor that
--   no API of the tenant goes below. A tenant without a row accepts version 1 or 2.
-- * api_signature_requirements: an API's own requirement, set by the tenant's admin or an
--   officer. An API without a row has none of its own (its tenant's default applies). Only
--   'v2' is stored: setting 'v1-or-v2' deletes the row.
-- * In force for an API: the stricter of the two. Part of the gateway snapshot: writes bump
--   config_version and log a SHARED change, so every node applies them within its poll. Rows go
--   with their tenant or API.
CREATE TABLE tenant_signature_requirements (
  tenant_id  VARCHAR(64) NOT NULL,
  required   VARCHAR(16) NOT NULL,
  updated_at BIGINT      NOT NULL,
  PRIMARY KEY (tenant_id),
  CONSTRAINT tenant_signature_requirements_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
    ON DELETE CASCADE,
  CONSTRAINT tenant_signature_requirements_check CHECK (required IN ('v2'))
);

CREATE TABLE api_signature_requirements (
  api_id     VARCHAR(64) NOT NULL,
  required   VARCHAR(16) NOT NULL,
  updated_at BIGINT      NOT NULL,
  PRIMARY KEY (api_id),
  CONSTRAINT api_signature_requirements_fk FOREIGN KEY (api_id) REFERENCES apis (id)
    ON DELETE CASCADE,
  CONSTRAINT api_signature_requirements_check CHECK (required IN ('v2'))
);
