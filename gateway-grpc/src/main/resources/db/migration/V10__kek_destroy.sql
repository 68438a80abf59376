-- Destroying a KEK is a dual-controlled operation (admin API 1.5): 'destroy-kek', whose subject is
-- the KEK's id. The node refuses it while any credential row names the KEK.
ALTER TABLE approval_requests DROP CONSTRAINT approval_requests_operation_check;
ALTER TABLE approval_requests ADD CONSTRAINT approval_requests_operation_check
  CHECK (operation IN ('destroy-key', 'revoke-tenant-credentials', 'activate-tls-key',
                       'add-officer', 'remove-officer', 'remove-officer-below-m',
                       'rewrap-credentials', 'destroy-kek'));
