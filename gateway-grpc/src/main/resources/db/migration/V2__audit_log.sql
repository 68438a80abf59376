-- The audit log (docs/audit.md). Plain SQL that runs unchanged on H2 2.x, MariaDB 10.11 and
-- PostgreSQL 15, in the style of V1.
--
-- * Append-only by convention and by the hash chain, not by the schema: UPDATE and DELETE are not
--   refused here (no portable way without vendor triggers), they are *detected* by AuditVerifier.
--   Operators should grant the gateway's user only SELECT/INSERT on audit_log and
--   audit_signed_heads, and SELECT/UPDATE on audit_head.
-- * Hashes are lowercase hex (64 characters) and signatures hex DER: no binary type is common to
--   all three databases, and hex is what an auditor compares by eye.
-- * No foreign key from audit_signed_heads to audit_log on purpose: a deleted record must not
--   take its signed head with it (the head is the evidence that it existed).
-- * Instants are BIGINT milliseconds since the epoch (UTC), as in V1.

-- One row that every append locks (SELECT ... FOR UPDATE) so that appends from all gateway nodes
-- are serialised and the chain never forks. It also remembers the last (seq, hash) appended, so
-- seq numbers are never reused and records deleted from the tail leave a visible gap.
CREATE TABLE audit_head (
  id   INT         NOT NULL,
  seq  BIGINT      NOT NULL,
  hash VARCHAR(64) NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT audit_head_single_row CHECK (id = 1)
);
INSERT INTO audit_head (id, seq, hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
  seq        BIGINT        NOT NULL,
  event_time BIGINT        NOT NULL,
  actor      VARCHAR(512)  NOT NULL,
  role       VARCHAR(64)   NOT NULL,
  action     VARCHAR(128)  NOT NULL,
  target     VARCHAR(512)  NOT NULL,
  outcome    VARCHAR(16)   NOT NULL,
  request_id VARCHAR(128)  NOT NULL,
  detail     VARCHAR(4000) NOT NULL,
  prev_hash  VARCHAR(64)   NOT NULL,
  hash       VARCHAR(64)   NOT NULL,
  PRIMARY KEY (seq),
  CONSTRAINT audit_log_outcome_check CHECK (outcome IN ('SUCCESS', 'DENIED', 'FAILED'))
);
-- For `audit query --from --to` (AuditQuery); times are the events', so not strictly ordered.
CREATE INDEX audit_log_time_idx ON audit_log (event_time);

-- The chain head (seq, hash) signed at intervals by an HSM EC key; one row per signed seq.
CREATE TABLE audit_signed_heads (
  seq       BIGINT       NOT NULL,
  hash      VARCHAR(64)  NOT NULL,
  signature VARCHAR(256) NOT NULL,
  signed_at BIGINT       NOT NULL,
  key_label VARCHAR(64)  NOT NULL,
  PRIMARY KEY (seq)
);
