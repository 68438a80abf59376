package io.keygate.gateway.config;

import io.keygate.gateway.model.App;
import io.keygate.gateway.model.Tenant;
import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.store.jdbc.ConfigDatabase;
import io.keygate.gateway.store.jdbc.ConfigDatabaseSettings;
import io.keygate.gateway.store.jdbc.JdbcConfigStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.hsm.testing.MutableClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The refresher's behaviour, driven by hand: a manual scheduler, a mutable clock and a data source
 * that can be cut off (over a real H2 database). No sleeps.
 */
class SnapshotRefresherTest {
  private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final ManualScheduler scheduler = new ManualScheduler();
  private ConfigDatabase database;
  private SwitchableDataSource dataSource;
  private ConfigStore store;
  private SnapshotRefresher refresher;

  @BeforeEach
  void open() throws Exception {
    database = ConfigDatabase.open(ConfigDatabaseSettings.embeddedH2(dir));
    dataSource = new SwitchableDataSource(database.dataSource());
    store = new JdbcConfigStore(dataSource, clock);
    refresher = new SnapshotRefresher(store, scheduler, clock);
  }

  @AfterEach
  void close() {
    refresher.close();
    database.close();
  }

  @Test
  void beforeTheFirstCheck_theSnapshotIsEmpty_andAlwaysStale() {
    assertThat(refresher.current().version()).isZero();
    assertThat(refresher.staleness()).isEmpty();
    assertThat(refresher.isStale(Duration.ofDays(365))).isTrue();
  }

  @Test
  void start_pollsAtAFixedDelayOfThePollInterval_oneSecondByDefault() throws Exception {
    store.createTenant(new Tenant("acme", "Acme"));
    refresher.start();

    assertThat(scheduler.periodicTasks()).singleElement().satisfies(task -> {
      assertThat(task.fixedDelay).isTrue();
      assertThat(task.initialDelayMillis).isZero();
      assertThat(task.periodMillis).isEqualTo(1000);
    });
    scheduler.runPeriodicTasks();
    assertThat(refresher.current().tenant("acme")).isPresent();
    assertThatThrownBy(refresher::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void refreshNow_picksUpAWrite_andAnUnchangedVersionKeepsTheSameSnapshot() throws Exception {
    ConfigSnapshot first = refresher.refreshNow();
    store.createTenant(new Tenant("acme", "Acme"));

    ConfigSnapshot second = refresher.refreshNow();
    assertThat(second.tenant("acme")).isPresent();
    assertThat(second.version()).isEqualTo(first.version() + 1);
    // Nothing changed: no reload, the very same object (the hot path's caches stay valid).
    assertThat(refresher.refreshNow()).isSameAs(second);
    store.recordLastUsed("nobody", T0);
    assertThat(refresher.refreshNow()).isSameAs(second);
  }

  @Test
  void outage_keepsTheLastGoodSnapshot_countsFailures_andStalenessGrows() throws Exception {
    store.createTenant(new Tenant("acme", "Acme"));
    refresher.start();
    scheduler.runPeriodicTasks();
    ConfigSnapshot good = refresher.current();
    clock.advance(Duration.ofMillis(300));
    assertThat(refresher.staleness()).contains(Duration.ofMillis(300));

    dataSource.goDown();
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofSeconds(1));
      // A poll must never throw: a real executor would silently stop the periodic task.
      assertThatCode(scheduler::runPeriodicTasks).doesNotThrowAnyException();
    }

    assertThat(refresher.current()).isSameAs(good);
    assertThat(refresher.failureCount()).isEqualTo(3);
    assertThat(refresher.consecutiveFailures()).isEqualTo(3);
    assertThat(refresher.lastError()).get().asString().contains("simulated outage");
    assertThat(refresher.staleness()).contains(Duration.ofMillis(3300));
    assertThat(refresher.isStale(Duration.ofSeconds(3))).isTrue();
    assertThat(refresher.isStale(Duration.ofSeconds(4))).isFalse();
  }

  @Test
  void afterAnOutage_theNextCheckLoadsWhatChangedMeanwhile_andStalenessResets() throws Exception {
    refresher.refreshNow();
    dataSource.goDown();
    assertThatThrownBy(refresher::refreshNow).isInstanceOf(StoreException.class);
    // Another node wrote while this one could not read.
    new JdbcConfigStore(database.dataSource(), clock).createTenant(new Tenant("acme", "Acme"));
    clock.advance(Duration.ofSeconds(10));
    dataSource.comeBack();

    assertThat(refresher.refreshNow().tenant("acme")).isPresent();
    assertThat(refresher.consecutiveFailures()).isZero();
    assertThat(refresher.failureCount()).isEqualTo(1);
    assertThat(refresher.staleness()).contains(Duration.ZERO);
  }

  @Test
  void aSnapshotThatCannotBeRead_isAFailure_andTheLastGoodOneStays() throws Exception {
    store.createTenant(new Tenant("acme", "Acme"));
    store.createApp(new App("app", "acme", "app"));
    ConfigSnapshot good = refresher.refreshNow();
    // A row this code cannot turn into a model (a key label it would reject), and a version bump.
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "INSERT INTO credentials (access_key, app_id, tenant_id, secret_label, not_after,"
              + " revoked, last_used, created_at)"
              + " VALUES ('AK1', 'app', 'acme', 'not a label', NULL, FALSE, NULL, 0)");
      s.executeUpdate("UPDATE config_version SET version = version + 1");
    }
    refresher.start();
    assertThatCode(scheduler::runPeriodicTasks).doesNotThrowAnyException();

    assertThat(refresher.current()).isSameAs(good);
    assertThat(refresher.consecutiveFailures()).isEqualTo(1);
  }

  @Test
  void aWriteAfterTheFirstLoad_isAppliedFromTheChangeFeed_notByLoadingEverything() throws Exception {
    store.createTenant(new Tenant("acme", "Acme"));
    store.createApp(new App("app", "acme", "app"));
    refresher.refreshNow();
    assertThat(refresher.fullLoads()).isEqualTo(1);

    store.createApp(new App("app2", "acme", "app2"));
    ConfigSnapshot after = refresher.refreshNow();

    assertThat(after.app("app2")).isPresent();
    assertThat(refresher.fullLoads()).isEqualTo(1);
    assertThat(refresher.incrementalLoads()).isEqualTo(1);
  }

  @Test
  void aVersionGoingBackwards_isAChangeToo() throws Exception {
    store.createTenant(new Tenant("acme", "Acme"));
    ConfigSnapshot before = refresher.refreshNow();
    // A database restored from an older backup: lower version, different content.
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM tenants");
      s.executeUpdate("UPDATE config_version SET version = 0");
    }
    ConfigSnapshot after = refresher.refreshNow();
    assertThat(after.version()).isZero();
    assertThat(after).isNotSameAs(before);
    assertThat(after.tenant("acme")).isEmpty();
    assertThat(refresher.fullLoads()).isEqualTo(2);
  }

  @Test
  void afterEachSwap_runsOncePerNewSnapshot_fromThePollAndFromRefreshNow() throws Exception {
    java.util.List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    refresher.afterEachSwap(() -> seen.add(refresher.current().version()));
    refresher.afterEachSwap(() -> {
      throw new IllegalStateException("a listener's bug");
    });
    refresher.start();

    scheduler.runPeriodicTasks();
    long first = refresher.current().version();
    scheduler.runPeriodicTasks(); // nothing changed: no swap
    store.createTenant(new Tenant("acme", "Acme"));
    long written = refresher.refreshNow().version();
    assertThat(refresher.refreshNow().version()).isEqualTo(written);
    dataSource.goDown();
    assertThatCode(scheduler::runPeriodicTasks).doesNotThrowAnyException();

    assertThat(seen).containsExactly(first, written);
    assertThat(refresher.consecutiveFailures()).as("only the outage counts").isEqualTo(1);
  }

  @Test
  void close_cancelsThePollButLeavesTheExecutorToItsOwner() {
    refresher.start();
    refresher.close();
    assertThat(scheduler.periodicTasks()).singleElement()
        .satisfies(task -> assertThat(task.isCancelled()).isTrue());
    assertThat(scheduler.isShutdown()).isFalse();
  }

  @Test
  void pollInterval_mustBePositive() {
    assertThatThrownBy(() -> new SnapshotRefresher(store, scheduler, clock, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new SnapshotRefresher(store, scheduler, clock, Duration.ofMillis(250)).pollInterval())
        .isEqualTo(Duration.ofMillis(250));
  }
}
