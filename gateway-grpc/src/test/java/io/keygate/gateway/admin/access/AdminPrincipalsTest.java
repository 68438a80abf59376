package io.keygate.gateway.admin.access;

import io.keygate.gateway.admin.access.AdminPrincipalsContract;

import io.keygate.gateway.config.TestDatabase;

import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/** The admin principals contract on H2, MariaDB and PostgreSQL (one JVM, a fresh database each). */
class AdminPrincipalsTest {
  @Nested
  class H2 extends AdminPrincipalsContract {
    @Override
    TestDatabase createDatabase(Path dir) {
      return TestDatabase.h2(dir);
    }
  }

  @Nested
  class MariaDb extends AdminPrincipalsContract {
    @Override
    TestDatabase createDatabase(Path dir) {
      return TestDatabase.mariaDb();
    }
  }

  @Nested
  class Postgres extends AdminPrincipalsContract {
    @Override
    TestDatabase createDatabase(Path dir) {
      return TestDatabase.postgres();
    }
  }
}
