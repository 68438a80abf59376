package io.keygate.gateway.approval;

import io.keygate.gateway.config.TestDatabase;
import java.nio.file.Path;

/** The dual-control contract on Postgres (a database of its own for each test). */
class PostgresDualControlTest extends DualControlContract {
  @Override
  TestDatabase createDatabase(Path dir) {
    return TestDatabase.postgres();
  }
}
