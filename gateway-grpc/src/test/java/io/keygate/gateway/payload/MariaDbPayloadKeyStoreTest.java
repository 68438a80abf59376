package io.keygate.gateway.payload;

import io.keygate.gateway.config.TestDatabase;
import java.nio.file.Path;

/** The payload key store contract on MariaDb (a database of its own for each test). */
class MariaDbPayloadKeyStoreTest extends PayloadKeyStoreContract {
  @Override
  TestDatabase createDatabase(Path dir) {
    return TestDatabase.mariaDb();
  }
}
