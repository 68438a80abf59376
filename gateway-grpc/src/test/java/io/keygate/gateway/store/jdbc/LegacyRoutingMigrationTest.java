package io.keygate.gateway.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.gateway.config.ConfigSnapshot;
import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.config.TestDatabase;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.BackendAllowance;
import io.keygate.gateway.model.DomainAllowance;
import io.keygate.gateway.store.StoreConflictException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Schema V6 (routing per tenant domain) on a database that already holds APIs from before it:
 * they keep working as legacy APIs found by method name, their targets become the tenants'
 * allowed backends, and no tenant can take over a legacy method name; once a legacy API moves
 * onto its domain, the name is free on other domains. On each supported database.
 */
class LegacyRoutingMigrationTest {
  private static final String ECHO = "pkg.Svc/Echo";

  @ParameterizedTest
  @ValueSource(strings = {"H2", "MariaDB", "PostgreSQL"})
  void apisFromBeforeV6_keepWorking_andTheirNamesCannotBeCaptured(
      String vendor, @TempDir Path dir) throws Exception {
    try (TestDatabase db = switch (vendor) {
      case "H2" -> TestDatabase.h2(dir);
      case "MariaDB" -> TestDatabase.mariaDb();
      default -> TestDatabase.postgres();
    }) {
      var settings = db.settings();
      Flyway.configure()
          .dataSource(settings.jdbcUrl(), settings.user(), new String(settings.password()))
          .locations(ConfigDatabase.MIGRATIONS)
          .javaMigrations(new ExactMatchCollation())
          .target("5")
          .load()
          .migrate();
      try (Connection c = DriverManager.getConnection(
              settings.jdbcUrl(), settings.user(), new String(settings.password()));
          Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO tenants VALUES ('acme', 'A', 0), ('globex', 'G', 0)");
        s.executeUpdate("INSERT INTO apis VALUES ('api-echo', 'acme', '" + ECHO
            + "', '10.0.0.1:1', 'SIGNATURE', 0)");
        s.executeUpdate("INSERT INTO apis VALUES ('api-open', 'acme', 'pkg.Svc/Open',"
            + " '10.0.0.2:1', 'NONE', 0)");
        s.executeUpdate("INSERT INTO apis VALUES ('api-chat', 'globex', 'pkg.Svc/Chat',"
            + " '10.0.0.1:1', 'SIGNATURE', 0)");
      }

      try (ConfigDatabase migrated = ConfigDatabase.open(settings)) {
        ConfigStore store = migrated.store(Clock.systemUTC());
        // Existing calls still route, whatever authority they were signed for.
        ConfigSnapshot before = store.loadSnapshot();
        assertThat(before.route("gateway.example:443", ECHO).orElseThrow().id())
            .isEqualTo("api-echo");
        assertThat(store.apis("acme")).allMatch(ApiDefinition::legacy);
        // Every target in use became an allowance of its tenant, unauthenticated where used so.
        assertThat(store.backends("acme")).containsExactly(
            new BackendAllowance("acme", "10.0.0.1:1", false),
            new BackendAllowance("acme", "10.0.0.2:1", true));
        assertThat(store.backends("globex")).containsExactly(
            new BackendAllowance("globex", "10.0.0.1:1", false));

        // globex cannot take a legacy name, even on its own domain.
        store.allowDomain(new DomainAllowance("globex", "g.example"));
        ApiDefinition capture = new ApiDefinition(
            "api-capture", "globex", "g.example", ECHO, "10.0.0.1:1", AuthMode.SIGNATURE);
        assertThatThrownBy(() -> store.registerApi(capture))
            .isInstanceOfSatisfying(StoreConflictException.class,
                e -> assertThat(e.kind()).isEqualTo(StoreConflictException.Kind.DUPLICATE));

        // acme moves its API onto its domain: from then on only that domain reaches it...
        store.allowDomain(new DomainAllowance("acme", "a.example"));
        store.updateApi(new ApiDefinition(
            "api-echo", "acme", "a.example", ECHO, "10.0.0.1:1", AuthMode.SIGNATURE));
        // ...and globex's own Echo on its own domain captures nothing of acme's.
        store.registerApi(capture);
        ConfigSnapshot after = store.loadSnapshot();
        assertThat(after.route("a.example:443", ECHO).orElseThrow().tenantId()).isEqualTo("acme");
        assertThat(after.route("g.example", ECHO).orElseThrow().tenantId()).isEqualTo("globex");
        assertThat(after.route("gateway.example:443", ECHO)).isEmpty();
      }
    }
  }
}
