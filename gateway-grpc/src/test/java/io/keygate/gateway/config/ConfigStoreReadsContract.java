package io.keygate.gateway.config;

import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.model.CrossTenantAuthorization;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.model.Tenant;
import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.store.jdbc.ConfigDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Tenant-scoped reads, snapshots and the refresher on a real database. Two tenants hold look-alike
 * data (same names, same shape) so a missing tenant filter would show up.
 */
abstract class ConfigStoreReadsContract extends StoreFixture {

  /** Everything one tenant can own, named alike across tenants. */
  private record World(
      Tenant tenant, App app, ApiDefinition api, Credential key, Grant grant,
      CrossTenantAuthorization granted) {}

  private World world(String name, App guest) throws StoreException {
    return worldIn(tenant(name), name, guest);
  }

  @Test
  void tenantScopedReads_returnOnlyThatTenantsRows() throws Exception {
    // acme and globex authorize each other's apps, so each also *receives* one authorization.
    Tenant acme = tenant("acme");
    Tenant globex = tenant("globex");
    App acmeGuest = app(acme, "acme-guest");
    App globexGuest = app(globex, "globex-guest");
    World a = worldIn(acme, "a", globexGuest);
    World g = worldIn(globex, "g", acmeGuest);

    for (World w : new World[] {a, g}) {
      String id = w.tenant().id();
      assertThat(store.tenant(id)).contains(w.tenant());
      assertThat(store.apis(id)).containsExactly(w.api());
      assertThat(store.credentials(id)).containsExactly(w.key());
      assertThat(store.grants(id)).containsExactly(w.grant());
      assertThat(store.authorizationsGranted(id)).containsExactly(w.granted());
      assertThat(store.apps(id)).allSatisfy(app -> assertThat(app.tenantId()).isEqualTo(id));
    }
    assertThat(store.apps(acme.id())).containsExactlyInAnyOrder(acmeGuest, a.app());
    assertThat(store.authorizationsReceived(acme.id())).containsExactly(g.granted());
    assertThat(store.authorizationsReceived(globex.id())).containsExactly(a.granted());
    // A tenant that does not exist sees nothing at all.
    assertThat(store.apis(p + "nobody")).isEmpty();
    assertThat(store.credentials(p + "nobody")).isEmpty();
  }

  private World worldIn(Tenant t, String name, App guest) throws StoreException {
    App app = app(t, name + "-app");
    ApiDefinition api = api(t, name + "Get");
    Credential key = credential(app, name + "-AK");
    Grant grant = new Grant(t.id(), app.id(), api.id());
    store.grant(grant);
    CrossTenantAuthorization granted = authorization(name + "-auth", t, guest, api.id());
    store.authorize(granted);
    return new World(t, app, api, key, grant, granted);
  }

  @Test
  void tenants_listsEveryTenant() throws Exception {
    Tenant acme = tenant("acme");
    Tenant globex = tenant("globex");
    assertThat(store.tenants()).contains(acme, globex);
  }

  @Test
  void loadSnapshot_holdsEverything_atTheCurrentVersion() throws Exception {
    App guest = app(tenant("initech"), "guest");
    World w = world("acme", guest);
    long version = store.currentVersion();

    ConfigSnapshot s = store.loadSnapshot();

    assertThat(s.version()).isEqualTo(version);
    assertThat(s.tenant(w.tenant().id())).contains(w.tenant());
    assertThat(s.app(w.app().id())).contains(w.app());
    assertThat(s.route(w.api().domain(), w.api().methodName())).contains(w.api());
    assertThat(s.api(w.api().id())).contains(w.api());
    assertThat(s.credential(w.key().accessKey())).contains(w.key());
    assertThat(s.hasGrant(w.tenant().id(), w.app().id(), w.api().id())).isTrue();
    assertThat(s.authorizationsFor(guest.id())).containsExactly(w.granted());
    assertThat(s.backendTargets()).contains(w.api().backendTarget());
  }

  @Test
  void loadSnapshot_reflectsRevocationsAndRemovals() throws Exception {
    App guest = app(tenant("initech"), "guest");
    World w = world("acme", guest);
    store.revokeCredential(w.tenant().id(), w.key().accessKey());
    store.revokeAuthorization(w.tenant().id(), w.granted().id());
    store.removeApi(w.tenant().id(), w.api().id());

    ConfigSnapshot s = store.loadSnapshot();

    assertThat(s.credential(w.key().accessKey())).get().extracting(Credential::revoked).isEqualTo(true);
    assertThat(s.route(w.api().domain(), w.api().methodName())).isEmpty();
    assertThat(s.hasGrant(w.tenant().id(), w.app().id(), w.api().id())).isFalse();
    assertThat(s.authorizationsFor(guest.id())).singleElement()
        .satisfies(a -> assertThat(a.liveAt(T0)).isFalse());
  }

  @Test
  void loadSnapshot_duringConcurrentWrites_isAlwaysACutAtItsOwnVersion() throws Exception {
    int writes = 60;
    long v0 = store.currentVersion();
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try {
      // Each write adds one tenant and bumps the version by one, so a snapshot at version v must
      // hold exactly the first v - v0 of them: no more (a later write), no fewer (a lost one).
      Future<?> done = writer.submit(() -> {
        for (int i = 0; i < writes && !Thread.currentThread().isInterrupted(); i++) {
          store.createTenant(new Tenant(p + "w" + i, "W"));
        }
        return null;
      });
      int loaded = 0;
      while (!done.isDone() || loaded == 0) {
        // Never fails for being busy: after a few tries it locks writers out for one load.
        ConfigSnapshot s = store.loadSnapshot();
        loaded++;
        long expected = Math.min(writes, Math.max(0, s.version() - v0));
        long present = 0;
        for (int i = 0; i < writes; i++) {
          present += s.tenant(p + "w" + i).isPresent() ? 1 : 0;
        }
        assertThat(present).as("tenants in snapshot version %d", s.version()).isEqualTo(expected);
      }
      done.get();
    } finally {
      // Stop the writer before the next test, even when an assertion failed mid-way.
      writer.shutdownNow();
      assertThat(writer.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void refresher_picksUpAWrite_andKeepsTheLastGoodSnapshotWhenTheDatabaseGoesAway()
      throws Exception {
    ManualScheduler scheduler = new ManualScheduler();
    // Its own pool, so closing it simulates this node losing the database.
    ConfigDatabase nodeDb = ConfigDatabase.open(testDatabase.settings());
    SnapshotRefresher refresher =
        new SnapshotRefresher(nodeDb.store(clock), scheduler, clock, Duration.ofMillis(500));
    refresher.start();
    scheduler.runPeriodicTasks();
    Tenant acme = tenant("acme");
    assertThat(refresher.current().tenant(acme.id())).isEmpty();

    ApiDefinition api = api(acme, "Get");
    ConfigSnapshot fresh = refresher.refreshNow();
    assertThat(fresh.route(api.domain(), api.methodName())).contains(api);
    assertThat(fresh.version()).isEqualTo(store.currentVersion());

    nodeDb.close();
    clock.advance(Duration.ofSeconds(3));
    scheduler.runPeriodicTasks(); // must not throw, or a real executor would stop polling
    assertThatThrownBy(refresher::refreshNow).isInstanceOf(StoreException.class);

    assertThat(refresher.current()).isSameAs(fresh);
    assertThat(refresher.consecutiveFailures()).isEqualTo(2);
    assertThat(refresher.staleness()).contains(Duration.ofSeconds(3));
    assertThat(refresher.isStale(Duration.ofSeconds(2))).isTrue();
    assertThat(refresher.isStale(Duration.ofSeconds(5))).isFalse();
    refresher.close();
  }
}
