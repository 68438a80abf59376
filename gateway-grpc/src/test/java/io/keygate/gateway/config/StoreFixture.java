package io.keygate.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.BackendAllowance;
import io.keygate.gateway.model.DomainAllowance;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.model.CrossTenantAuthorization;
import io.keygate.gateway.model.Tenant;
import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.store.jdbc.ConfigDatabase;

import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.testing.MutableClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One fresh database per test class (see {@link TestDatabase}), migrated once; each test works
 * under its own id prefix so tests of a class share the database without seeing each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StoreFixture {
  static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
  static final List<String> TABLES =
      List.of(
          "tenants",
          "apps",
          "credentials",
          "apis",
          "grants",
          "cross_tenant_authorizations",
          "cross_tenant_authorization_apis",
          "tenant_domains",
          "tenant_backends");
  private static final AtomicInteger TEST_NUMBER = new AtomicInteger();
  private static final AtomicInteger DOMAIN_NUMBER = new AtomicInteger();
  private final Map<String, String> domains = new java.util.HashMap<>();

  final MutableClock clock = new MutableClock(T0);
  TestDatabase testDatabase;
  ConfigDatabase database;
  ConfigStore store;
  long versionAfterMigration;
  /** Unique per test: prefixes every id and method name the test creates. */
  String p;

  /** Creates the fresh database for this class. */
  abstract TestDatabase createDatabase(Path dir);

  @BeforeAll
  void openDatabase(@TempDir Path dir) throws Exception {
    testDatabase = createDatabase(dir);
    database = ConfigDatabase.open(testDatabase.settings());
    store = database.store(clock);
    versionAfterMigration = store.currentVersion();
  }

  @AfterAll
  void dropDatabase() {
    if (database != null) {
      database.close();
    }
    if (testDatabase != null) {
      testDatabase.close();
    }
  }

  @BeforeEach
  void newPrefix() {
    p = "t" + TEST_NUMBER.incrementAndGet() + "-";
  }

  // ---- builders: every id carries the test's prefix ----

  Tenant tenant(String name) throws StoreException {
    Tenant t = new Tenant(p + name, name.toUpperCase(java.util.Locale.ROOT));
    store.createTenant(t);
    return t;
  }

  App app(Tenant tenant, String name) throws StoreException {
    App a = new App(p + name, tenant.id(), name);
    store.createApp(a);
    return a;
  }

  ApiDefinition api(Tenant tenant, String name) throws StoreException {
    ApiDefinition a = apiDefinition(tenant, name);
    store.registerApi(a);
    return a;
  }

  /** An API of the tenant on its domain; allows the tenant that domain and backend if needed. */
  ApiDefinition apiDefinition(Tenant tenant, String name) throws StoreException {
    String target = "backend-" + name + ":50051";
    allowBackend(tenant, target, false);
    return new ApiDefinition(
        p + name, tenant.id(), domainOf(tenant), methodName(name), target, AuthMode.SIGNATURE);
  }

  /** The tenant's domain in this test, allowed (a security officer's write) on first use. */
  String domainOf(Tenant tenant) throws StoreException {
    String domain = domains.get(tenant.id());
    if (domain == null) {
      domain = "d" + DOMAIN_NUMBER.incrementAndGet() + ".example";
      store.allowDomain(new DomainAllowance(tenant.id(), domain));
      domains.put(tenant.id(), domain);
    }
    return domain;
  }

  /** Allows the tenant a backend target unless it already has it with that setting. */
  void allowBackend(Tenant tenant, String target, boolean unauthenticated) throws StoreException {
    BackendAllowance allowance = new BackendAllowance(tenant.id(), target, unauthenticated);
    if (!store.backends(tenant.id()).contains(allowance)) {
      store.allowBackend(allowance);
    }
  }

  /** A method name unique to this test: {@code t12.Svc/Name}. */
  String methodName(String method) {
    return p.replace("-", "") + ".Svc/" + method;
  }

  Credential credential(App app, String key) throws StoreException {
    Credential k =
        new Credential(p + key, app.id(), app.tenantId(), KeyLabel.of("ak-" + p + key), null, false, null);
    store.addCredential(k);
    return k;
  }

  CrossTenantAuthorization authorization(String id, Tenant grantor, App grantee, String... apiIds) {
    return new CrossTenantAuthorization(
        p + id, grantor.id(), grantee.id(), Set.of(apiIds), T0.plusSeconds(3600), false);
  }

  /** The write is refused with {@code kind}, and every table and the version are as before. */
  void assertRefusedUntouched(ThrowingCallable write, StoreConflictException.Kind kind)
      throws Exception {
    Map<String, Long> before = databaseState();
    assertThatThrownBy(write)
        .isInstanceOfSatisfying(
            StoreConflictException.class, e -> assertThat(e.kind()).isEqualTo(kind));
    assertThat(databaseState()).isEqualTo(before);
  }

  /** Row counts of every config table plus the version: equal before and after means untouched. */
  Map<String, Long> databaseState() throws SQLException {
    Map<String, Long> state = new LinkedHashMap<>();
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement()) {
      for (String table : TABLES) {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
          rs.next();
          state.put(table, rs.getLong(1));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT version FROM config_version")) {
        rs.next();
        state.put("config_version", rs.getLong(1));
      }
    }
    return state;
  }
}
