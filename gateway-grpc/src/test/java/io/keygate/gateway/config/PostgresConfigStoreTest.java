package io.keygate.gateway.config;

import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/** The config store contracts on PostgreSQL (a new schema per class). One JVM for the three. */
class PostgresConfigStoreTest {
  @Nested
  class Writes extends ConfigStoreWritesContract {
    @Override
    TestDatabase createDatabase(Path dir) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class Reads extends ConfigStoreReadsContract {
    @Override
    TestDatabase createDatabase(Path dir) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class ChangeFeed extends ChangeFeedContract {
    @Override
    TestDatabase createDatabase(Path dir) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class Schema extends SchemaContract {
    @Override
    TestDatabase createDatabase(Path dir) {
      return TestDatabase.postgres();
    }
  }
}
