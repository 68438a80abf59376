package io.keygate.gateway.config;

import static io.keygate.gateway.store.StoreConflictException.Kind.DUPLICATE;
import static io.keygate.gateway.store.StoreConflictException.Kind.UNKNOWN_REFERENCE;
import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.model.Tenant;
import io.keygate.gateway.store.StoreConflictException;
import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.WrappedSecret;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ConfigStore#createAppsWithCredentials} on a real database: many apps, their credentials
 * and grants in one transaction and one version bump; any refusal leaves every table and the
 * version as they were.
 */
abstract class ConfigStoreBulkContract extends StoreFixture {
  private static final KekId KEK = KekId.of("kek-bulk");

  /** More rows than one IN list and one JDBC batch hold. */
  private static final int MANY = 1_203;

  @Test
  void manyApps_withCredentialsAndGrants_areOneWrite() throws Exception {
    Tenant acme = tenant("acme");
    ApiDefinition get = api(acme, "Get");
    ApiDefinition put = api(acme, "Put");
    Batch batch = batch(acme, "load-", MANY);
    long version = store.currentVersion();

    store.createAppsWithCredentials(acme.id(), batch.apps, batch.credentials,
        List.of(get.id(), put.id()));

    assertThat(store.currentVersion()).isEqualTo(version + 1);
    assertThat(store.apps(acme.id())).containsAll(batch.apps);
    List<Credential> stored = store.credentials(acme.id());
    assertThat(stored).hasSize(MANY);
    Credential first = stored.stream()
        .filter(c -> c.accessKey().equals(batch.credentials.get(0).accessKey())).findFirst()
        .orElseThrow();
    assertThat(first.wrapped()).isEqualTo(batch.credentials.get(0).wrapped());
    assertThat(first.appId()).isEqualTo(batch.apps.get(0).id());
    assertThat(store.grants(acme.id()))
        .hasSize(2 * MANY)
        .contains(new Grant(acme.id(), batch.apps.get(MANY - 1).id(), put.id()));
    assertThat(store.loadSnapshot().version()).isEqualTo(version + 1);
  }

  @Test
  void anAppIdTaken_refusesTheWholeBatch() throws Exception {
    Tenant acme = tenant("acme");
    Batch batch = batch(acme, "app-", MANY);
    store.createApp(batch.apps.get(MANY - 1)); // the last one, in the last IN list
    assertRefusedUntouched(() -> store.createAppsWithCredentials(acme.id(), batch.apps,
        batch.credentials, List.of()), DUPLICATE);
  }

  @Test
  void anAppIdTwiceInTheBatch_refusesTheWholeBatch() throws Exception {
    Tenant acme = tenant("acme");
    Batch batch = batch(acme, "app-", 3);
    List<App> twice = new ArrayList<>(batch.apps);
    twice.add(batch.apps.get(1));
    assertRefusedUntouched(() -> store.createAppsWithCredentials(acme.id(), twice,
        batch.credentials, List.of()), DUPLICATE);
  }

  @Test
  void anAccessKeyTaken_refusesTheWholeBatch() throws Exception {
    Tenant acme = tenant("acme");
    App existing = app(acme, "existing");
    Batch batch = batch(acme, "app-", 3);
    Credential clash = batch.credentials.get(2);
    store.addCredential(new Credential(clash.accessKey(), existing.id(), acme.id(),
        clash.secretLabel(), null, false, null, clash.wrapped()));
    assertRefusedUntouched(() -> store.createAppsWithCredentials(acme.id(), batch.apps,
        batch.credentials, List.of()), DUPLICATE);
  }

  @Test
  void anApiOfAnotherTenant_refusesTheWholeBatch() throws Exception {
    Tenant acme = tenant("acme");
    Tenant globex = tenant("globex");
    ApiDefinition own = api(acme, "Get");
    ApiDefinition theirs = api(globex, "Secret");
    Batch batch = batch(acme, "app-", 3);
    assertRefusedUntouched(() -> store.createAppsWithCredentials(acme.id(), batch.apps,
        batch.credentials, List.of(own.id(), theirs.id())), UNKNOWN_REFERENCE);
  }

  @Test
  void anUnknownTenant_orACredentialOfAnAppOutsideTheBatch_isRefused() throws Exception {
    Tenant acme = tenant("acme");
    Batch batch = batch(acme, "app-", 2);
    Tenant ghost = new Tenant(p + "ghost", "Ghost");
    List<App> ghostApps = List.of(new App(p + "g1", ghost.id(), "g1"));
    assertRefusedUntouched(() -> store.createAppsWithCredentials(ghost.id(), ghostApps,
        List.of(), List.of()), UNKNOWN_REFERENCE);
    assertRefusedUntouched(() -> store.createAppsWithCredentials(acme.id(),
        batch.apps.subList(0, 1), batch.credentials, List.of()), UNKNOWN_REFERENCE);
  }

  private record Batch(List<App> apps, List<Credential> credentials) {}

  private Batch batch(Tenant tenant, String prefix, int count) {
    List<App> apps = new ArrayList<>(count);
    List<Credential> credentials = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      App app = new App(p + prefix + i, tenant.id(), prefix + i);
      apps.add(app);
      String key = (p + "AK" + i).replace("-", "");
      byte[] blob = new byte[40];
      blob[0] = (byte) i;
      blob[1] = (byte) (i >> 8);
      credentials.add(new Credential(key, app.id(), tenant.id(), KeyLabel.of("ak-" + key), null,
          false, null, new WrappedSecret(KEK, blob)));
    }
    return new Batch(apps, credentials);
  }

}
