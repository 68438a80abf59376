package io.keygate.gateway.config;

import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/** The config store contracts on embedded H2 (a new file per class). One JVM for the three. */
class H2ConfigStoreTest {
  @Nested
  class Writes extends ConfigStoreWritesContract {
    @Override
    TestDatabase createDatabase(Path dir) {
      return TestDatabase.h2(dir);
    }
  }

  @Nested
  class Reads extends ConfigStoreReadsContract {
    @Override
    TestDatabase createDatabase(Path dir) {
      return TestDatabase.h2(dir);
    }
  }

  @Nested
  class ChangeFeed extends ChangeFeedContract {
    @Override
    TestDatabase createDatabase(Path dir) {
      return TestDatabase.h2(dir);
    }
  }

  @Nested
  class Schema extends SchemaContract {
    @Override
    TestDatabase createDatabase(Path dir) {
      return TestDatabase.h2(dir);
    }
  }
}
