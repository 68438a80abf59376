package io.keygate.gateway.tls;

import io.keygate.gateway.config.TestDatabase;
import java.nio.file.Path;

/** The active TLS keys contract on MariaDB (a database of its own for each test). */
class MariaDbActiveTlsKeysTest extends ActiveTlsKeysContract {
  @Override
  TestDatabase createDatabase(Path dir) {
    return TestDatabase.mariaDb();
  }
}
