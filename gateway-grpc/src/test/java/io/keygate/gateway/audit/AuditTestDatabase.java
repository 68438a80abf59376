package io.keygate.gateway.audit;

import io.keygate.gateway.config.ConfigDatabase;
import io.keygate.gateway.config.ConfigDatabaseSettings;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;

/**
 * A fresh, private config database for one audit test class, migrated by {@link
 * ConfigDatabase#open} (so V2 runs exactly as in production): a new H2 file, a new MariaDB database
 * or a new PostgreSQL schema, dropped afterwards. Same servers, user and overrides as {@code
 * config.TestDatabase} (package-private there): KEYGATE_TEST_MARIADB_URL,
 * KEYGATE_TEST_POSTGRES_URL, KEYGATE_TEST_DB_USER, KEYGATE_TEST_DB_PASSWORD. An unreachable server
 * fails the test naming bin/ensure-databases; nothing is skipped.
 */
final class AuditTestDatabase implements AutoCloseable {
  private static final String USER = env("KEYGATE_TEST_DB_USER", "keygate");
  private static final String PASSWORD = env("KEYGATE_TEST_DB_PASSWORD", "keygate");
  private static final String MARIADB_SERVER =
      env("KEYGATE_TEST_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/");
  private static final String POSTGRES_DATABASE =
      env("KEYGATE_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/keygate_test");
  // Enough connections for the concurrent-append test's threads to contend on the head lock.
  private static final int POOL_SIZE = 10;

  final String vendor;
  final ConfigDatabase database;
  private final String adminUrl;
  private final String dropSql;

  private AuditTestDatabase(
      String vendor, ConfigDatabaseSettings settings, String adminUrl, String dropSql)
      throws Exception {
    this.vendor = vendor;
    this.adminUrl = adminUrl;
    this.dropSql = dropSql;
    try {
      this.database = ConfigDatabase.open(settings.withMaxPoolSize(POOL_SIZE));
    } catch (Exception e) {
      close();
      throw new AssertionError(
          vendor
              + " test database cannot be opened and migrated: "
              + e.getMessage()
              + ". Run bin/ensure-databases (as root); these tests never skip.",
          e);
    }
  }

  static AuditTestDatabase h2(Path dir) throws Exception {
    return new AuditTestDatabase(
        "H2", ConfigDatabaseSettings.embeddedH2(dir.resolve("data")), null, null);
  }

  static AuditTestDatabase mariaDb() throws Exception {
    String name = freshName();
    String admin =
        MARIADB_SERVER + (MARIADB_SERVER.contains("?") ? "&" : "?") + "connectTimeout=3000";
    execute("MariaDB", admin, "CREATE DATABASE " + name);
    return new AuditTestDatabase(
        "MariaDB", settings(MARIADB_SERVER + name), admin, "DROP DATABASE " + name);
  }

  static AuditTestDatabase postgres() throws Exception {
    String name = freshName();
    String admin =
        POSTGRES_DATABASE + (POSTGRES_DATABASE.contains("?") ? "&" : "?") + "connectTimeout=3";
    execute("PostgreSQL", admin, "CREATE SCHEMA " + name);
    return new AuditTestDatabase(
        "PostgreSQL",
        settings(admin + "&currentSchema=" + name),
        admin,
        "DROP SCHEMA " + name + " CASCADE");
  }

  private static ConfigDatabaseSettings settings(String url) {
    return ConfigDatabaseSettings.of(url, USER, PASSWORD.toCharArray())
        .withConnectTimeout(Duration.ofSeconds(3));
  }

  @Override
  public void close() {
    if (database != null) {
      database.close();
    }
    if (dropSql != null) {
      execute(vendor, adminUrl, dropSql);
    }
  }

  private static String freshName() {
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    return "kg_" + HexFormat.of().formatHex(random);
  }

  private static void execute(String vendor, String url, String sql) {
    try (Connection c = DriverManager.getConnection(url, USER, PASSWORD);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new AssertionError(
          vendor
              + " test server not usable ("
              + url
              + " as "
              + USER
              + ": "
              + e.getMessage()
              + "). Run bin/ensure-databases (as root) to install and start it and to create the"
              + " test user; these tests never skip.",
          e);
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
