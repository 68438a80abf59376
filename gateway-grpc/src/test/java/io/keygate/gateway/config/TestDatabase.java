package io.keygate.gateway.config;

import io.keygate.gateway.store.jdbc.ConfigDatabaseSettings;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * A fresh, private config database for one test class: a new H2 file, a new MariaDB database or a
 * new PostgreSQL schema, each with a random name and dropped afterwards, so runs (and test classes)
 * never see each other's rows. The servers and the {@code keygate} user come from
 * {@code bin/ensure-databases}; an unreachable server fails the test, it never skips it.
 *
 * <p>Override with KEYGATE_TEST_MARIADB_URL (a server URL, no database),
 * KEYGATE_TEST_POSTGRES_URL (a database URL), KEYGATE_TEST_DB_USER, KEYGATE_TEST_DB_PASSWORD.
 */
public final class TestDatabase implements AutoCloseable {
  private static final String USER = env("KEYGATE_TEST_DB_USER", "keygate");
  private static final String PASSWORD = env("KEYGATE_TEST_DB_PASSWORD", "keygate");
  private static final String MARIADB_SERVER =
      env("KEYGATE_TEST_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/");
  private static final String POSTGRES_DATABASE =
      env("KEYGATE_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/keygate_test");

  private final String vendor;
  private final ConfigDatabaseSettings settings;
  private final String adminUrl;
  private final String dropSql;

  private TestDatabase(String vendor, ConfigDatabaseSettings settings, String adminUrl, String dropSql) {
    this.vendor = vendor;
    this.settings = settings;
    this.adminUrl = adminUrl;
    this.dropSql = dropSql;
  }

  public static TestDatabase h2(Path dir) {
    return new TestDatabase("H2", ConfigDatabaseSettings.embeddedH2(dir.resolve("data")), null, null);
  }

  public static TestDatabase mariaDb() {
    String name = freshName();
    String admin = MARIADB_SERVER + (MARIADB_SERVER.contains("?") ? "&" : "?") + "connectTimeout=3000";
    execute("MariaDB", admin, "CREATE DATABASE " + name);
    String url = MARIADB_SERVER + name;
    return new TestDatabase("MariaDB", settings(url), admin, "DROP DATABASE " + name);
  }

  public static TestDatabase postgres() {
    String name = freshName();
    String admin = POSTGRES_DATABASE + (POSTGRES_DATABASE.contains("?") ? "&" : "?") + "connectTimeout=3";
    execute("PostgreSQL", admin, "CREATE SCHEMA " + name);
    String url = admin + "&currentSchema=" + name;
    return new TestDatabase("PostgreSQL", settings(url), admin, "DROP SCHEMA " + name + " CASCADE");
  }

  private static ConfigDatabaseSettings settings(String url) {
    return ConfigDatabaseSettings.of(url, USER, PASSWORD.toCharArray())
        .withConnectTimeout(java.time.Duration.ofSeconds(3));
  }

  public ConfigDatabaseSettings settings() {
    return settings;
  }

  /**
   * Writes the test user's password to a new owner-only file, for a node process
   * (KEYGATE_DB_PASSWORD_FILE) that opens this database.
   */
  public void writePasswordFile(Path file) throws java.io.IOException {
    java.nio.file.Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    java.nio.file.Files.writeString(file, PASSWORD + "\n");
  }

  public String vendor() {
    return vendor;
  }

  @Override
  public void close() {
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
