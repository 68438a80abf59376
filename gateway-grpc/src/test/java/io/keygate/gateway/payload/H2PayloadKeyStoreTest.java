package io.keygate.gateway.payload;

import io.keygate.gateway.config.TestDatabase;
import java.nio.file.Path;

/** The payload key store contract on H2 (a database of its own for each test). */
class H2PayloadKeyStoreTest extends PayloadKeyStoreContract {
  @Override
  TestDatabase createDatabase(Path dir) {
    return TestDatabase.h2(dir);
  }
}
