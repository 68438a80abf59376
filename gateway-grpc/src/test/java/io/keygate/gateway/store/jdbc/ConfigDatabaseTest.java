package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.model.Tenant;
import io.keygate.gateway.store.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.hsm.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening the config database: settings, the H2 default, and failures that name no secret. */
class ConfigDatabaseTest {
  private static final String SECRET = "s3cret-pw-do-not-print";

  @TempDir Path dir;

  @Test
  void settings_neverPrintThePasswordNorUrlParameters() {
    ConfigDatabaseSettings s =
        ConfigDatabaseSettings.of(
            "jdbc:mariadb://db:3306/keygate?password=" + SECRET, "keygate", SECRET.toCharArray());
    assertThat(s.toString())
        .doesNotContain(SECRET)
        .contains("jdbc:mariadb://db:3306/keygate")
        .contains("<redacted>");
    assertThat(s.redactedUrl()).doesNotContain(SECRET);
  }

  @Test
  void fromEnvironment_withoutAUrl_isEmbeddedH2UnderTheDataDir() {
    ConfigDatabaseSettings s = ConfigDatabaseSettings.fromEnvironment(Map.of(), dir);
    assertThat(s.jdbcUrl()).startsWith("jdbc:h2:file:" + dir.toAbsolutePath().resolve("keygate"));
  }

  @Test
  void fromEnvironment_readsThePasswordFile_andPrefersItToTheVariable() throws Exception {
    Path file = dir.resolve("db-password");
    Files.writeString(file, SECRET + "\n");
    ConfigDatabaseSettings s =
        ConfigDatabaseSettings.fromEnvironment(
            Map.of(
                "KEYGATE_DB_URL", "jdbc:postgresql://db/keygate",
                "KEYGATE_DB_USER", "gw",
                "KEYGATE_DB_PASSWORD", "ignored",
                "KEYGATE_DB_PASSWORD_FILE", file.toString()),
            dir);
    assertThat(s.user()).isEqualTo("gw");
    assertThat(new String(s.password())).isEqualTo(SECRET);
  }

  @Test
  void fromEnvironment_anUnreadablePasswordFile_namesTheFileOnly() {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(
            () -> ConfigDatabaseSettings.fromEnvironment(
                Map.of("KEYGATE_DB_URL", "jdbc:postgresql://db/k",
                    "KEYGATE_DB_PASSWORD_FILE", missing.toString()),
                dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KEYGATE_DB_PASSWORD_FILE")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void embeddedH2_createsItsDirectory_andKeepsDataAcrossRestarts() throws Exception {
    Path dataDir = dir.resolve("not/yet/there");
    MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    try (ConfigDatabase db = ConfigDatabase.open(ConfigDatabaseSettings.embeddedH2(dataDir))) {
      db.store(clock).createTenant(new Tenant("acme", "Acme"));
    }
    try (ConfigDatabase db = ConfigDatabase.open(ConfigDatabaseSettings.embeddedH2(dataDir))) {
      assertThat(db.store(clock).tenants()).containsExactly(new Tenant("acme", "Acme"));
      assertThat(db.store(clock).currentVersion()).isEqualTo(1);
    }
  }

  @Test
  void open_anUnreachableServer_failsFast_namingTheDatabaseButNotThePassword() {
    // Port 1 on loopback: refused at once.
    ConfigDatabaseSettings s =
        ConfigDatabaseSettings.of("jdbc:postgresql://127.0.0.1:1/keygate", "keygate", SECRET.toCharArray())
            .withConnectTimeout(Duration.ofMillis(300));
    long start = System.nanoTime();
    assertThatThrownBy(() -> ConfigDatabase.open(s))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/keygate")
        .hasMessageNotContaining(SECRET);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void open_withAWrongPassword_failsWithoutPrintingIt() {
    ConfigDatabaseSettings s =
        ConfigDatabaseSettings.of("jdbc:mariadb://127.0.0.1:3306/keygate_test", "keygate", SECRET.toCharArray())
            .withConnectTimeout(Duration.ofMillis(300));
    assertThatThrownBy(() -> ConfigDatabase.open(s))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("127.0.0.1:3306/keygate_test")
        .hasMessageNotContaining(SECRET)
        .satisfies(e -> assertThat(stackText(e)).doesNotContain(SECRET));
  }

  private static String stackText(Throwable e) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      out.append(t).append('\n');
    }
    return out.toString();
  }
}
