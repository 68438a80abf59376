package io.keygate.gateway.config;

import java.nio.file.Path;

/** The signature requirement store contract on Postgres (a database of its own for each test). */
class PostgresSignatureRequirementStoreTest extends SignatureRequirementStoreContract {
  @Override
  TestDatabase createDatabase(Path dir) {
    return TestDatabase.postgres();
  }
}
