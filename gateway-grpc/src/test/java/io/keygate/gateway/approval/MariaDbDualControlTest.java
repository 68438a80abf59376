package io.keygate.gateway.approval;

import io.keygate.gateway.config.TestDatabase;
import java.nio.file.Path;

/** The dual-control contract on MariaDB (a database of its own for each test). */
class MariaDbDualControlTest extends DualControlContract {
  @Override
  TestDatabase createDatabase(Path dir) {
    return TestDatabase.mariaDb();
  }
}
