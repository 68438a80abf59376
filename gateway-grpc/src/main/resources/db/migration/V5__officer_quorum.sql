-- Dual control without a one-person path. Plain SQL that runs unchanged on H2 2.x, MariaDB 10.11
-- and PostgreSQL 15 (conventions as in V1: BIGINT epoch milliseconds).
--
-- * officer_quorum: at most one row, written the first time M security-officers existed. From
--   then on the bootstrap window (one officer adding officers alone) is closed for good: removing
--   officers later, even with the quorum's approval, never reopens it. Nothing deletes the row.
-- * approval_requests may now hold remove-officer (the officer count stays at M or above) and
--   remove-officer-below-m (the approvers knowingly leave fewer than M officers).

CREATE TABLE officer_quorum (
  id          INT    NOT NULL,
  reached_at  BIGINT NOT NULL,
  officers    INT    NOT NULL,
  required    INT    NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT officer_quorum_one_row CHECK (id = 1)
);

ALTER TABLE approval_requests DROP CONSTRAINT approval_requests_operation_check;
ALTER TABLE approval_requests ADD CONSTRAINT approval_requests_operation_check
  CHECK (operation IN ('destroy-key', 'revoke-tenant-credentials', 'activate-tls-key',
                       'add-officer', 'remove-officer', 'remove-officer-below-m'));
