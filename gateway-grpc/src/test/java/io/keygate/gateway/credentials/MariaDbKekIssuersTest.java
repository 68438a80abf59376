package io.keygate.gateway.credentials;

import io.keygate.gateway.config.TestDatabase;
import java.nio.file.Path;

/** The KEK issuers contract on MariaDB (a database of its own for each test). */
class MariaDbKekIssuersTest extends KekIssuersContract {
  @Override
  TestDatabase createDatabase(Path dir) {
    return TestDatabase.mariaDb();
  }
}
