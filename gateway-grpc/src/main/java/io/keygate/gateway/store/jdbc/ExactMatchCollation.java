package io.keygate.gateway.store.jdbc;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Locale;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Migration 0.1, before the schema (V1): on MariaDB/MySQL, make the database compare strings
 * exactly. Their default collations ignore case (and MariaDB's ignore trailing spaces), so
 * {@code "ACME"} would find tenant {@code "acme"}'s rows, access key {@code "ak1"} would match
 * {@code "AK1"}, and gRPC methods differing only in case could not both be registered. H2 and
 * PostgreSQL already compare exactly; there this does nothing.
 *
 * <p>It changes the database default, so every table created afterwards (V1 on, and other
 * components' tables) inherits it. Plain SQL cannot do this portably, hence Java. The database
 * must be Keygate's own; the migrating user needs ALTER on it.
 */
final class ExactMatchCollation implements JavaMigration {

  @Override
  public MigrationVersion getVersion() {
    return MigrationVersion.fromVersion("0.1");
  }

  @Override
  public String getDescription() {
    return "exact match collation";
  }

  @Override
  public Integer getChecksum() {
    return 1;
  }

  @Override
  public boolean canExecuteInTransaction() {
    return true;
  }

  @Override
  public void migrate(Context context) throws Exception {
    Connection c = context.getConnection();
    String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
    String collation;
    if (product.contains("mariadb")) {
      collation = "utf8mb4_nopad_bin"; // binary and NO PAD: 'a' <> 'A' and 'a' <> 'a '
    } else if (product.contains("mysql")) {
      collation = "utf8mb4_0900_bin"; // MySQL 8.0.17+: binary, NO PAD (not tested here)
    } else {
      return;
    }
    try (Statement s = c.createStatement()) {
      // No database name: the connection's current database.
      s.execute("ALTER DATABASE CHARACTER SET utf8mb4 COLLATE " + collation);
    }
  }
}
