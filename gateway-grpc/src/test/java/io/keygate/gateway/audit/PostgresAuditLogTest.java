package io.keygate.gateway.audit;

import java.nio.file.Path;

/** The audit log contracts on PostgreSQL (a new schema for this class) and a SoftHSM2 token. */
class PostgresAuditLogTest extends AuditTailContract {
  @Override
  AuditTestDatabase createDatabase(Path dir) throws Exception {
    return AuditTestDatabase.postgres();
  }
}
