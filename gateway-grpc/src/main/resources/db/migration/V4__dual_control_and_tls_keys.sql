-- Dual control and TLS key rotation. Plain SQL that runs unchanged on H2 2.x, MariaDB 10.11 and
-- PostgreSQL 15 (conventions as in V1: BIGINT epoch milliseconds, exact-match strings).
--
-- * approval_requests: one row per dual-controlled operation (destroy-key,
--   revoke-tenant-credentials, activate-tls-key with the certificate it pins, add-officer). Its state only moves forward, each move a
--   compare-and-set on the state column, so two nodes approving at once run the operation once:
--   PENDING -> RUNNING -> EXECUTED | FAILED, or PENDING -> REJECTED | EXPIRED.
-- * approval_votes: who approved, one row per officer (the primary key makes a second approval
--   by the same officer impossible, on every node). `officer` is the principal's identity as
--   admin_principals stores it; `certificate_subject` the voter's certificate subject (two
--   votes with one subject are one person); `actor` is how the audit log names the person.
-- * tls_active_keys: which HSM key each TLS listener serves, when set by an approved
--   activate-tls-key; without a row a node serves the key its configuration names. Nodes poll it
--   and switch new handshakes to the new key.
-- * tls_served_keys: what each node actually serves, reported on every poll, so that no node's
--   live key is destroyed (a node that has not switched yet, or is configured differently).
-- * Neither is part of the gateway snapshot: no config_version bump.

CREATE TABLE approval_requests (
  id                 VARCHAR(36)  NOT NULL,
  operation          VARCHAR(32)  NOT NULL,
  operation_subject  VARCHAR(530) NOT NULL,
  listener           VARCHAR(16),
  certificate_sha256 VARCHAR(64),
  reason             VARCHAR(200) NOT NULL,
  requested_by       VARCHAR(530) NOT NULL,
  requested_by_actor VARCHAR(600) NOT NULL,
  requested_at       BIGINT       NOT NULL,
  expires_at         BIGINT       NOT NULL,
  required_approvals INT          NOT NULL,
  state              VARCHAR(16)  NOT NULL,
  outcome            VARCHAR(300),
  decided_at         BIGINT,
  PRIMARY KEY (id),
  CONSTRAINT approval_requests_operation_check
    CHECK (operation IN ('destroy-key', 'revoke-tenant-credentials', 'activate-tls-key',
                         'add-officer')),
  CONSTRAINT approval_requests_state_check
    CHECK (state IN ('PENDING', 'RUNNING', 'EXECUTED', 'FAILED', 'REJECTED', 'EXPIRED')),
  CONSTRAINT approval_requests_required_check CHECK (required_approvals >= 2)
);
CREATE INDEX approval_requests_state_idx ON approval_requests (state, requested_at);

CREATE TABLE approval_votes (
  request_id  VARCHAR(36)  NOT NULL,
  officer             VARCHAR(530) NOT NULL,
  certificate_subject VARCHAR(512),
  actor               VARCHAR(600) NOT NULL,
  approved_at BIGINT       NOT NULL,
  PRIMARY KEY (request_id, officer),
  CONSTRAINT approval_votes_request_fk FOREIGN KEY (request_id) REFERENCES approval_requests (id)
);

CREATE TABLE tls_active_keys (
  listener     VARCHAR(16) NOT NULL,
  key_label    VARCHAR(64) NOT NULL,
  activated_at BIGINT      NOT NULL,
  request_id   VARCHAR(36),
  PRIMARY KEY (listener),
  CONSTRAINT tls_active_keys_listener_check CHECK (listener IN ('ingress', 'admin'))
);

CREATE TABLE tls_served_keys (
  node_id   VARCHAR(36) NOT NULL,
  listener  VARCHAR(16) NOT NULL,
  key_label VARCHAR(64) NOT NULL,
  seen_at   BIGINT      NOT NULL,
  PRIMARY KEY (node_id, listener)
);
CREATE INDEX tls_served_keys_seen_idx ON tls_served_keys (seen_at);

-- Deciding whether an HSM key may be destroyed looks up the credential that holds it.
CREATE INDEX credentials_secret_label_idx ON credentials (secret_label);
