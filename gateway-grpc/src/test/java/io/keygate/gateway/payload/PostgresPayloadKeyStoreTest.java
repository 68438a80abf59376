package io.keygate.gateway.payload;

import io.keygate.gateway.config.TestDatabase;
import java.nio.file.Path;

/** The payload key store contract on Postgres (a database of its own for each test). */
class PostgresPayloadKeyStoreTest extends PayloadKeyStoreContract {
  @Override
  TestDatabase createDatabase(Path dir) {
    return TestDatabase.postgres();
  }
}
