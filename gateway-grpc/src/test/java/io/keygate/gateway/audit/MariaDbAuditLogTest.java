package io.keygate.gateway.audit;

import java.nio.file.Path;

/** The audit log contracts on MariaDB (a new database for this class) and a SoftHSM2 token. */
class MariaDbAuditLogTest extends AuditTailContract {
  @Override
  AuditTestDatabase createDatabase(Path dir) throws Exception {
    return AuditTestDatabase.mariaDb();
  }
}
