package io.keygate.gateway.config;

import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/** The config store contracts on MariaDB (a new database per class). One JVM for the three. */
class MariaDbConfigStoreTest {
  @Nested
  class Writes extends ConfigStoreWritesContract {
    @Override
    TestDatabase createDatabase(Path dir) {
      return TestDatabase.mariaDb();
    }
  }

  @Nested
  class Reads extends ConfigStoreReadsContract {
    @Override
    TestDatabase createDatabase(Path dir) {
      return TestDatabase.mariaDb();
    }
  }

  @Nested
  class ChangeFeed extends ChangeFeedContract {
    @Override
    TestDatabase createDatabase(Path dir) {
      return TestDatabase.mariaDb();
    }
  }

  @Nested
  class Schema extends SchemaContract {
    @Override
    TestDatabase createDatabase(Path dir) {
      return TestDatabase.mariaDb();
    }
  }
}
