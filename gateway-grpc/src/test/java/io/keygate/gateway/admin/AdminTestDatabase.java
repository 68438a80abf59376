package io.keygate.gateway.admin;

import io.keygate.gateway.config.ConfigDatabaseSettings;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * A fresh config database for one test class on H2, MariaDB or PostgreSQL, dropped afterwards.
 * The same recipe as the config package's TestDatabase (which is package-private there): servers
 * and the {@code keygate} user come from {@code bin/ensure-databases}, the same environment
 * variables point elsewhere, and an unreachable server fails the test, never skips it.
 */
final class AdminTestDatabase implements AutoCloseable {
  private static final String USER = env("KEYGATE_TEST_DB_USER", "keygate");
  private static final String PASSWORD = env("KEYGATE_TEST_DB_PASSWORD", "keygate");
  private static final String MARIADB_SERVER =
      env("KEYGATE_TEST_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/");
  private static final String POSTGRES_DATABASE =
      env("KEYGATE_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/keygate_test");

  final String vendor;
  final ConfigDatabaseSettings settings;
  private final String adminUrl;
  private final String dropSql;

  private AdminTestDatabase(
      String vendor, ConfigDatabaseSettings settings, String adminUrl, String dropSql) {
    this.vendor = vendor;
    this.settings = settings;
    this.adminUrl = adminUrl;
    this.dropSql = dropSql;
  }

  static AdminTestDatabase h2(Path dir) {
    return new AdminTestDatabase(
        "H2", ConfigDatabaseSettings.embeddedH2(dir.resolve("data")), null, null);
  }

  static AdminTestDatabase mariaDb() {
    String name = freshName();
    String admin =
        MARIADB_SERVER + (MARIADB_SERVER.contains("?") ? "&" : "?") + "connectTimeout=3000";
    execute("MariaDB", admin, "CREATE DATABASE " + name);
    return new AdminTestDatabase(
        "MariaDB", settings(MARIADB_SERVER + name), admin, "DROP DATABASE " + name);
  }

  static AdminTestDatabase postgres() {
    String name = freshName();
    String admin =
        POSTGRES_DATABASE + (POSTGRES_DATABASE.contains("?") ? "&" : "?") + "connectTimeout=3";
    execute("PostgreSQL", admin, "CREATE SCHEMA " + name);
    return new AdminTestDatabase(
        "PostgreSQL",
        settings(admin + "&currentSchema=" + name),
        admin,
        "DROP SCHEMA " + name + " CASCADE");
  }

  private static ConfigDatabaseSettings settings(String url) {
    return ConfigDatabaseSettings.of(url, USER, PASSWORD.toCharArray())
        .withConnectTimeout(java.time.Duration.ofSeconds(3));
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
          vendor + " test server not usable (" + url + " as " + USER + ": " + e.getMessage()
              + "). Run bin/ensure-databases (as root); these tests never skip.",
          e);
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
