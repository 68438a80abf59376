package io.keygate.gateway.admin;

import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/** The admin principals contract on H2, MariaDB and PostgreSQL (one JVM, a fresh database each). */
class AdminPrincipalsTest {
  @Nested
  class H2 extends AdminPrincipalsContract {
    @Override
    AdminTestDatabase createDatabase(Path dir) {
      return AdminTestDatabase.h2(dir);
    }
  }

  @Nested
  class MariaDb extends AdminPrincipalsContract {
    @Override
    AdminTestDatabase createDatabase(Path dir) {
      return AdminTestDatabase.mariaDb();
    }
  }

  @Nested
  class Postgres extends AdminPrincipalsContract {
    @Override
    AdminTestDatabase createDatabase(Path dir) {
      return AdminTestDatabase.postgres();
    }
  }
}
