package io.keygate.gateway.config;

import java.nio.file.Path;

/** The signature requirement store contract on MariaDb (a database of its own for each test). */
class MariaDbSignatureRequirementStoreTest extends SignatureRequirementStoreContract {
  @Override
  TestDatabase createDatabase(Path dir) {
    return TestDatabase.mariaDb();
  }
}
