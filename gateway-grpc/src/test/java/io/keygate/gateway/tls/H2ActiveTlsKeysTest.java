package io.keygate.gateway.tls;

import io.keygate.gateway.config.TestDatabase;
import java.nio.file.Path;

/** The active TLS keys contract on H2 (a database of its own for each test). */
class H2ActiveTlsKeysTest extends ActiveTlsKeysContract {
  @Override
  TestDatabase createDatabase(Path dir) {
    return TestDatabase.h2(dir);
  }
}
