package io.keygate.gateway.credentials;

import io.keygate.gateway.config.TestDatabase;
import java.nio.file.Path;

/** The KEK issuers contract on H2 (a database of its own for each test). */
class H2KekIssuersTest extends KekIssuersContract {
  @Override
  TestDatabase createDatabase(Path dir) {
    return TestDatabase.h2(dir);
  }
}
