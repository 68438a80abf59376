-- KEK rotation is a dual-controlled operation (admin API 1.3): 'rewrap-credentials', whose subject
-- is '<from-kek>><to-kek>'.
ALTER TABLE approval_requests DROP CONSTRAINT approval_requests_operation_check;
ALTER TABLE approval_requests ADD CONSTRAINT approval_requests_operation_check
  CHECK (operation IN ('destroy-key', 'revoke-tenant-credentials', 'activate-tls-key',
                       'add-officer', 'remove-officer', 'remove-officer-below-m',
                       'rewrap-credentials'));
