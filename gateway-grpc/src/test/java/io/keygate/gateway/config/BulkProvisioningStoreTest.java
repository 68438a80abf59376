package io.keygate.gateway.config;

import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/**
 * The bulk-provisioning contract on every supported database (a new database per class). Its own
 * class rather than a nested one of each store test, so the store tests stay as they are.
 */
class BulkProvisioningStoreTest {
  @Nested
  class H2 extends ConfigStoreBulkContract {
    @Override
    TestDatabase createDatabase(Path dir) {
      return TestDatabase.h2(dir);
    }
  }

  @Nested
  class MariaDb extends ConfigStoreBulkContract {
    @Override
    TestDatabase createDatabase(Path dir) {
      return TestDatabase.mariaDb();
    }
  }

  @Nested
  class Postgres extends ConfigStoreBulkContract {
    @Override
    TestDatabase createDatabase(Path dir) {
      return TestDatabase.postgres();
    }
  }
}
