package io.keygate.gateway.audit;

import io.keygate.gateway.store.jdbc.ConfigDatabase;
import io.keygate.gateway.config.TestDatabase;
import java.nio.file.Path;

/**
 * A fresh database for one audit test class (see {@link TestDatabase}), opened and migrated by
 * {@link ConfigDatabase#open} so V2 runs exactly as in production, with a pool large enough for
 * the concurrent-append test's threads to contend on the head lock.
 */
final class AuditTestDatabase implements AutoCloseable {
  private static final int POOL_SIZE = 10;

  final String vendor;
  final ConfigDatabase database;
  private final TestDatabase fresh;

  private AuditTestDatabase(TestDatabase fresh) {
    this.fresh = fresh;
    this.vendor = fresh.vendor();
    try {
      this.database = ConfigDatabase.open(fresh.settings().withMaxPoolSize(POOL_SIZE));
    } catch (Exception e) {
      fresh.close();
      throw new AssertionError(
          vendor + " test database cannot be opened and migrated: " + e.getMessage()
              + ". Run bin/ensure-databases (as root); these tests never skip.",
          e);
    }
  }

  static AuditTestDatabase h2(Path dir) {
    return new AuditTestDatabase(TestDatabase.h2(dir));
  }

  static AuditTestDatabase mariaDb() {
    return new AuditTestDatabase(TestDatabase.mariaDb());
  }

  static AuditTestDatabase postgres() {
    return new AuditTestDatabase(TestDatabase.postgres());
  }

  @Override
  public void close() {
    database.close();
    fresh.close();
  }
}
