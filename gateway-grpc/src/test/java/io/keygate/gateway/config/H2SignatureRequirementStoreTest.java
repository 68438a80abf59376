package io.keygate.gateway.config;

import java.nio.file.Path;

/** The signature requirement store contract on H2 (a database of its own for each test). */
class H2SignatureRequirementStoreTest extends SignatureRequirementStoreContract {
  @Override
  TestDatabase createDatabase(Path dir) {
    return TestDatabase.h2(dir);
  }
}
