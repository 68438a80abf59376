package io.keygate.gateway.audit;

import java.nio.file.Path;

/** The audit log contracts on embedded H2 (a new file for this class) and a SoftHSM2 token. */
class H2AuditLogTest extends AuditTailContract {
  @Override
  AuditTestDatabase createDatabase(Path dir) throws Exception {
    return AuditTestDatabase.h2(dir);
  }
}
