package io.keygate.gateway.config;

import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.BackendAllowance;
import io.keygate.gateway.model.DomainAllowance;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.model.CrossTenantAuthorization;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.model.Tenant;
import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreNotFoundException;
import io.keygate.gateway.store.jdbc.ConfigDatabase;

import static io.keygate.gateway.store.StoreConflictException.Kind.DUPLICATE;
import static io.keygate.gateway.store.StoreConflictException.Kind.IN_USE;
import static io.keygate.gateway.store.StoreConflictException.Kind.NOT_ALLOWED;
import static io.keygate.gateway.store.StoreConflictException.Kind.SAME_TENANT;
import static io.keygate.gateway.store.StoreConflictException.Kind.UNKNOWN_REFERENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.WrappedSecret;
import io.keygate.gateway.store.StoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ConfigStore} write does and refuses, on a real database. Every refusal is
 * checked to leave the database exactly as it was (all tables and the version).
 */
abstract class ConfigStoreWritesContract extends StoreFixture {

  private void assertNotFoundUntouched(ThrowingCallable write) throws Exception {
    Map<String, Long> before = databaseState();
    assertThatThrownBy(write).isInstanceOf(StoreNotFoundException.class);
    assertThat(databaseState()).isEqualTo(before);
  }

  @Test
  void migrations_applyFromEmpty_startAtVersionZero_andRerunAsNoOp() throws Exception {
    assertThat(versionAfterMigration).isZero();
    long version = store.currentVersion();
    Map<String, Long> before = databaseState();
    // A second node opening the same database finds nothing to migrate and changes nothing.
    try (ConfigDatabase again = ConfigDatabase.open(testDatabase.settings())) {
      assertThat(again.store(clock).currentVersion()).isEqualTo(version);
    }
    assertThat(databaseState()).isEqualTo(before);
  }

  @Test
  void everyWrite_bumpsTheVersionByExactlyOne() throws Exception {
    long v = store.currentVersion();
    Tenant acme = tenant("acme");
    Tenant globex = tenant("globex");
    App app = app(acme, "app");
    App other = app(globex, "other");
    Credential key = credential(app, "AK1");
    ApiDefinition api = api(acme, "Get"); // 3 writes: domain and backend allowed, API registered
    allowBackend(acme, "b2:1", true);
    store.updateApi(new ApiDefinition(
        api.id(), acme.id(), api.domain(), api.methodName(), "b2:1", AuthMode.NONE));
    store.grant(new Grant(acme.id(), app.id(), api.id()));
    store.revokeGrant(new Grant(acme.id(), app.id(), api.id()));
    store.authorize(authorization("auth", acme, other, api.id()));
    store.revokeAuthorization(acme.id(), p + "auth");
    store.retireCredential(acme.id(), key.accessKey(), T0.plusSeconds(60));
    store.revokeCredential(acme.id(), key.accessKey());
    store.removeApi(acme.id(), api.id());
    store.removeBackend(acme.id(), "b2:1");
    store.removeDomain(acme.id(), api.domain());
    assertThat(store.currentVersion()).isEqualTo(v + 19);
  }

  @Test
  void wrappedSecrets_areStored_listedByKekInPages_andReplacedOnlyIfUnchanged() throws Exception {
    App app = app(tenant("acme"), "app");
    KekId kek = KekId.of("k" + Integer.toHexString(p.hashCode() & 0x0fffffff));
    KekId next = KekId.of("n" + Integer.toHexString(p.hashCode() & 0x0fffffff));
    for (int i = 0; i < 3; i++) {
      byte[] blob = new byte[40];
      blob[0] = (byte) i;
      store.addCredential(new Credential(p + "W" + i, app.id(), app.tenantId(),
          KeyLabel.of("ak-" + p + "w" + i), null, false, null, new WrappedSecret(kek, blob)));
    }
    List<Credential> first = store.credentialsWrappedUnder(kek, "", 2);
    assertThat(first).extracting(Credential::accessKey).containsExactly(p + "W0", p + "W1");
    assertThat(store.credentialsWrappedUnder(kek, first.get(1).accessKey(), 2))
        .extracting(Credential::accessKey).containsExactly(p + "W2");
    Credential w0 = first.get(0);
    assertThat(w0.wrapped()).isEqualTo(new WrappedSecret(kek, new byte[40]));

    long v = store.currentVersion();
    WrappedSecret moved = new WrappedSecret(next, new byte[48]);
    assertThat(store.replaceWrappedSecret(w0.accessKey(), w0.wrapped(), moved)).isTrue();
    assertThat(store.currentVersion()).isEqualTo(v + 1);
    // A second replace from the old blob finds it changed, and changes nothing.
    assertThat(store.replaceWrappedSecret(w0.accessKey(), w0.wrapped(),
        new WrappedSecret(next, new byte[56]))).isFalse();
    assertThat(store.credentialsWrappedUnder(next, "", 10)).singleElement()
        .satisfies(c -> assertThat(c.wrapped()).isEqualTo(moved));
    assertThat(store.credentialsWrappedUnder(kek, "", 10)).hasSize(2);
  }

  @Test
  void recordLastUsed_isNotAConfigChange_andNeverMovesBackwards() throws Exception {
    Tenant acme = tenant("acme");
    Credential key = credential(app(acme, "app"), "AK1");
    long v = store.currentVersion();

    store.recordLastUsed(key.accessKey(), T0.plusSeconds(10));
    store.recordLastUsed(key.accessKey(), T0.plusSeconds(5)); // a slower node, reporting late
    store.recordLastUsed(p + "unknown", T0); // ignored

    assertThat(store.credentials(acme.id())).singleElement()
        .extracting(Credential::lastUsed).isEqualTo(T0.plusSeconds(10));
    assertThat(store.currentVersion()).isEqualTo(v);
  }

  @Test
  void recordLastUses_writesThousandsOfKeysInOneCall_skippingUnknownAndOlderTimes()
      throws Exception {
    Tenant acme = tenant("acme");
    App app = new App(p + "many", acme.id(), "many");
    List<Credential> keys = new ArrayList<>();
    for (int i = 0; i < 1_201; i++) { // more than two JDBC batches
      keys.add(new Credential(p + "K" + i, app.id(), acme.id(), KeyLabel.of("ak-" + p + i),
          null, false, null));
    }
    store.createAppsWithCredentials(acme.id(), List.of(app), keys, List.of());
    store.recordLastUsed(keys.get(0).accessKey(), T0.plusSeconds(60));
    long v = store.currentVersion();

    Map<String, Instant> uses = new LinkedHashMap<>();
    for (Credential k : keys) {
      uses.put(k.accessKey(), T0.plusSeconds(30));
    }
    uses.put(p + "unknown", T0);
    store.recordLastUses(uses);

    Map<String, Instant> stored = new HashMap<>();
    for (Credential k : store.credentials(acme.id())) {
      stored.put(k.accessKey(), k.lastUsed());
    }
    assertThat(stored).hasSize(1_201);
    // The first key's later time stays: a node reporting late never moves it back.
    assertThat(stored.get(keys.get(0).accessKey())).isEqualTo(T0.plusSeconds(60));
    assertThat(stored.values()).filteredOn(T0.plusSeconds(30)::equals).hasSize(1_200);
    assertThat(store.currentVersion()).isEqualTo(v);
  }

  @Test
  void recordLastUses_fromNodesWritingTheSameKeysInOppositeOrders_neitherFails() throws Exception {
    Tenant acme = tenant("acme");
    App app = app(acme, "app");
    List<String> forward = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      forward.add(credential(app, "D" + i).accessKey());
    }
    List<String> backward = new ArrayList<>(forward);
    Collections.reverse(backward);
    ExecutorService nodes = Executors.newFixedThreadPool(2);
    try {
      for (int round = 1; round <= 10; round++) {
        Instant when = T0.plusSeconds(round);
        Future<?> a = nodes.submit(() -> recordAll(forward, when));
        Future<?> b = nodes.submit(() -> recordAll(backward, when));
        a.get(30, TimeUnit.SECONDS); // a deadlock victim would fail here
        b.get(30, TimeUnit.SECONDS);
      }
    } finally {
      nodes.shutdownNow();
    }
    assertThat(store.credentials(acme.id())).extracting(Credential::lastUsed)
        .containsOnly(T0.plusSeconds(10));
  }

  private Void recordAll(List<String> keysInOrder, Instant when) throws StoreException {
    Map<String, Instant> uses = new LinkedHashMap<>();
    keysInOrder.forEach(k -> uses.put(k, when));
    store.recordLastUses(uses);
    return null;
  }

  @Test
  void createTenant_duplicateId_isRefused() throws Exception {
    Tenant acme = tenant("acme");
    assertRefusedUntouched(() -> store.createTenant(new Tenant(acme.id(), "Other")), DUPLICATE);
  }

  @Test
  void idsDifferingOnlyInCase_areDifferentObjects() throws Exception {
    // MariaDB's default collation would make these collide (see ExactMatchCollation).
    Tenant lower = tenant("acme");
    Tenant upper = new Tenant(p + "ACME", "Upper");
    store.createTenant(upper);
    api(lower, "Get");
    allowBackend(upper, "b:1", true);
    ApiDefinition upperApi = new ApiDefinition(
        p + "get", upper.id(), domainOf(upper), methodName("get"), "b:1", AuthMode.NONE);
    store.registerApi(upperApi);

    assertThat(store.apis(upper.id())).containsExactly(upperApi);
    assertThat(store.apis(lower.id())).extracting(ApiDefinition::methodName)
        .containsExactly(methodName("Get"));
    assertThat(store.tenant(p + "Acme")).isEmpty();
  }

  @Test
  void createApp_inUnknownTenant_isRefused() throws Exception {
    assertRefusedUntouched(
        () -> store.createApp(new App(p + "app", p + "nobody", "app")), UNKNOWN_REFERENCE);
  }

  @Test
  void createApp_duplicateIdEvenInAnotherTenant_isRefused() throws Exception {
    App app = app(tenant("acme"), "app");
    Tenant globex = tenant("globex");
    assertRefusedUntouched(
        () -> store.createApp(new App(app.id(), globex.id(), "clash")), DUPLICATE);
  }

  @Test
  void addCredential_storesEveryField() throws Exception {
    Tenant acme = tenant("acme");
    App app = app(acme, "app");
    Credential k =
        new Credential(p + "AK1", app.id(), acme.id(), KeyLabel.of("label-1"),
            T0.plusSeconds(86400), false, T0.minusSeconds(5));
    store.addCredential(k);
    assertThat(store.credentials(acme.id())).containsExactly(k);
  }

  @Test
  void addCredential_forAnAppOfAnotherTenant_isRefused() throws Exception {
    Tenant acme = tenant("acme");
    App globexApp = app(tenant("globex"), "gapp");
    Credential k =
        new Credential(p + "AK1", globexApp.id(), acme.id(), KeyLabel.of("l"), null, false, null);
    assertRefusedUntouched(() -> store.addCredential(k), UNKNOWN_REFERENCE);
  }

  @Test
  void addCredential_duplicateAccessKey_isRefused() throws Exception {
    Credential k = credential(app(tenant("acme"), "app"), "AK1");
    App other = app(tenant("globex"), "other");
    assertRefusedUntouched(
        () -> store.addCredential(
            new Credential(k.accessKey(), other.id(), other.tenantId(), KeyLabel.of("x"), null, false, null)),
        DUPLICATE);
  }

  @Test
  void revokeAndRetireCredential_changeOnlyThatKey_andAreRepeatable() throws Exception {
    Tenant acme = tenant("acme");
    App app = app(acme, "app");
    Credential k1 = credential(app, "AK1");
    Credential k2 = credential(app, "AK2");
    store.revokeCredential(acme.id(), k1.accessKey());
    store.revokeCredential(acme.id(), k1.accessKey());
    store.retireCredential(acme.id(), k2.accessKey(), T0.plusSeconds(600));

    assertThat(store.credentials(acme.id()))
        .extracting(Credential::accessKey, Credential::revoked, Credential::notAfter)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(k1.accessKey(), true, null),
            org.assertj.core.groups.Tuple.tuple(k2.accessKey(), false, T0.plusSeconds(600)));
  }

  @Test
  void revokeOrRetireCredential_ofAnotherTenant_isNotFound() throws Exception {
    Credential globexKey = credential(app(tenant("globex"), "gapp"), "AK9");
    Tenant acme = tenant("acme");
    assertNotFoundUntouched(() -> store.revokeCredential(acme.id(), globexKey.accessKey()));
    assertNotFoundUntouched(
        () -> store.retireCredential(acme.id(), globexKey.accessKey(), T0));
    assertThat(store.credentials(globexKey.tenantId())).containsExactly(globexKey);
  }

  @Test
  void registerApi_sameMethodOnTheSameDomain_isRefused() throws Exception {
    Tenant acme = tenant("acme");
    ApiDefinition taken = api(acme, "Get");
    ApiDefinition clash = new ApiDefinition(
        p + "again", acme.id(), taken.domain(), taken.methodName(), taken.backendTarget(),
        AuthMode.SIGNATURE);
    assertRefusedUntouched(() -> store.registerApi(clash), DUPLICATE);
  }

  @Test
  void registerApi_methodNameOfAnotherTenant_isItsOwnApiOnItsOwnDomain() throws Exception {
    ApiDefinition theirs = api(tenant("globex"), "Get");
    Tenant acme = tenant("acme");
    ApiDefinition mine = apiDefinition(acme, "Get");
    store.registerApi(new ApiDefinition(p + "mine", acme.id(), mine.domain(),
        theirs.methodName(), mine.backendTarget(), AuthMode.SIGNATURE));
    ConfigSnapshot s = store.loadSnapshot();
    assertThat(s.route(theirs.domain() + ":443", theirs.methodName())).contains(theirs);
    assertThat(s.route(mine.domain(), theirs.methodName()).orElseThrow().id()).isEqualTo(p + "mine");
  }

  @Test
  void registerApi_onAnotherTenantsDomain_isNotAllowed_andSaysNothingOfIt() throws Exception {
    ApiDefinition theirs = api(tenant("globex"), "Get");
    Tenant acme = tenant("acme");
    allowBackend(acme, "b:1", false);
    ApiDefinition capture = new ApiDefinition(
        p + "capture", acme.id(), theirs.domain(), methodName("Put"), "b:1", AuthMode.SIGNATURE);
    assertRefusedUntouched(() -> store.registerApi(capture), NOT_ALLOWED);
    assertThatThrownBy(() -> store.registerApi(capture))
        .message().doesNotContain(theirs.id()).doesNotContain(theirs.tenantId());
  }

  @Test
  void registerApi_onABackendNotAllowed_isRefused() throws Exception {
    Tenant acme = tenant("acme");
    ApiDefinition ok = apiDefinition(acme, "Get");
    // Another tenant's backend, or an internal address: not on acme's list.
    ApiDefinition ssrf = new ApiDefinition(p + "ssrf", acme.id(), ok.domain(), methodName("Get"),
        "169.254.169.254:80", AuthMode.SIGNATURE);
    assertRefusedUntouched(() -> store.registerApi(ssrf), NOT_ALLOWED);
  }

  @Test
  void registerApi_unauthenticated_needsABackendAllowedUnauthenticated() throws Exception {
    Tenant acme = tenant("acme");
    ApiDefinition signed = apiDefinition(acme, "Get");
    ApiDefinition open = new ApiDefinition(p + "open", acme.id(), signed.domain(),
        signed.methodName(), signed.backendTarget(), AuthMode.NONE);
    assertRefusedUntouched(() -> store.registerApi(open), NOT_ALLOWED);

    store.allowBackend(new BackendAllowance(acme.id(), signed.backendTarget(), true));
    store.registerApi(open);
    // Taking the permission back while an API relies on it is refused, as is removing the target.
    assertRefusedUntouched(
        () -> store.allowBackend(new BackendAllowance(acme.id(), signed.backendTarget(), false)),
        IN_USE);
    assertRefusedUntouched(() -> store.removeBackend(acme.id(), signed.backendTarget()), IN_USE);
    assertRefusedUntouched(() -> store.removeDomain(acme.id(), signed.domain()), IN_USE);
  }

  @Test
  void allowDomain_ofAnotherTenant_isRefused_andAllowancesAreTenantScoped() throws Exception {
    Tenant globex = tenant("globex");
    String theirs = domainOf(globex);
    Tenant acme = tenant("acme");
    assertRefusedUntouched(
        () -> store.allowDomain(new DomainAllowance(acme.id(), theirs)), DUPLICATE);
    assertNotFoundUntouched(() -> store.removeDomain(acme.id(), theirs));
    assertThat(store.domains(acme.id())).isEmpty();
    assertThat(store.domains(globex.id())).containsExactly(new DomainAllowance(globex.id(), theirs));
  }

  @Test
  void registerApi_withoutADomain_isRefusedBeforeTouchingTheDatabase() throws Exception {
    Tenant acme = tenant("acme");
    ApiDefinition ok = apiDefinition(acme, "Get");
    Map<String, Long> before = databaseState();
    assertThatThrownBy(() -> store.registerApi(new ApiDefinition(ok.id(), acme.id(), null,
        ok.methodName(), ok.backendTarget(), AuthMode.SIGNATURE)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.registerApi(new ApiDefinition(ok.id(), acme.id(),
        "Upper.Example", ok.methodName(), ok.backendTarget(), AuthMode.SIGNATURE)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(databaseState()).isEqualTo(before);
  }

  @Test
  void registerApi_inUnknownTenant_isRefused() throws Exception {
    ApiDefinition orphan = new ApiDefinition(
        p + "api", p + "nobody", "nobody.example", methodName("Get"), "b:1", AuthMode.NONE);
    assertRefusedUntouched(() -> store.registerApi(orphan), UNKNOWN_REFERENCE);
  }

  @Test
  void updateApi_changesMethodTargetAndMode() throws Exception {
    Tenant acme = tenant("acme");
    ApiDefinition api = api(acme, "Get");
    allowBackend(acme, "new:2", true);
    ApiDefinition changed = new ApiDefinition(
        api.id(), acme.id(), api.domain(), methodName("Fetch"), "new:2", AuthMode.NONE, 4096);
    store.updateApi(changed);
    assertThat(store.apis(acme.id())).containsExactly(changed);
  }

  @Test
  void updateApi_ofAnotherTenant_isNotFound_andToATakenMethod_isRefused() throws Exception {
    Tenant acme = tenant("acme");
    ApiDefinition mine = api(acme, "Get");
    ApiDefinition theirs = api(tenant("globex"), "Put");
    assertNotFoundUntouched(
        () -> store.updateApi(
            new ApiDefinition(theirs.id(), acme.id(), mine.domain(), theirs.methodName(),
                mine.backendTarget(), AuthMode.SIGNATURE)));
    ApiDefinition next = api(acme, "Next");
    assertRefusedUntouched(
        () -> store.updateApi(new ApiDefinition(mine.id(), acme.id(), mine.domain(),
            next.methodName(), mine.backendTarget(), AuthMode.SIGNATURE)),
        DUPLICATE);
  }

  @Test
  void removeApi_alsoRemovesItsGrantsAndAuthorizationEntries() throws Exception {
    Tenant acme = tenant("acme");
    App app = app(acme, "app");
    App guest = app(tenant("globex"), "guest");
    ApiDefinition get = api(acme, "Get");
    ApiDefinition put = api(acme, "Put");
    store.grant(new Grant(acme.id(), app.id(), get.id()));
    store.grant(new Grant(acme.id(), app.id(), put.id()));
    store.authorize(authorization("auth", acme, guest, get.id(), put.id()));

    store.removeApi(acme.id(), get.id());

    assertThat(store.apis(acme.id())).containsExactly(put);
    assertThat(store.grants(acme.id())).containsExactly(new Grant(acme.id(), app.id(), put.id()));
    assertThat(store.authorizationsGranted(acme.id())).singleElement()
        .extracting(CrossTenantAuthorization::apiIds).isEqualTo(Set.of(put.id()));
  }

  @Test
  void removeApi_ofAnotherTenant_isNotFound() throws Exception {
    ApiDefinition theirs = api(tenant("globex"), "Get");
    Tenant acme = tenant("acme");
    assertNotFoundUntouched(() -> store.removeApi(acme.id(), theirs.id()));
  }

  @Test
  void grant_acrossTenants_isRefused_inBothDirections() throws Exception {
    Tenant acme = tenant("acme");
    Tenant globex = tenant("globex");
    App acmeApp = app(acme, "aapp");
    App globexApp = app(globex, "gapp");
    ApiDefinition acmeApi = api(acme, "Get");
    ApiDefinition globexApi = api(globex, "Put");
    // Another tenant's API, and another tenant's app, each under the grant's tenant:
    assertRefusedUntouched(
        () -> store.grant(new Grant(acme.id(), acmeApp.id(), globexApi.id())), UNKNOWN_REFERENCE);
    assertRefusedUntouched(
        () -> store.grant(new Grant(acme.id(), globexApp.id(), acmeApi.id())), UNKNOWN_REFERENCE);
  }

  @Test
  void grant_twice_isRefused_andRevokingAMissingGrant_isNotFound() throws Exception {
    Tenant acme = tenant("acme");
    App app = app(acme, "app");
    ApiDefinition api = api(acme, "Get");
    Grant g = new Grant(acme.id(), app.id(), api.id());
    store.grant(g);
    assertRefusedUntouched(() -> store.grant(g), DUPLICATE);
    store.revokeGrant(g);
    assertNotFoundUntouched(() -> store.revokeGrant(g));
  }

  @Test
  void authorize_storesTheAuthorizationWithItsApis() throws Exception {
    Tenant acme = tenant("acme");
    App guest = app(tenant("globex"), "guest");
    ApiDefinition get = api(acme, "Get");
    ApiDefinition put = api(acme, "Put");
    CrossTenantAuthorization a = authorization("auth", acme, guest, get.id(), put.id());
    store.authorize(a);
    assertThat(store.authorizationsGranted(acme.id())).containsExactly(a);
    assertThat(store.authorizationsReceived(guest.tenantId())).containsExactly(a);
  }

  @Test
  void authorize_withAnApiOfAnotherTenant_isRefused_andWritesNothing() throws Exception {
    Tenant acme = tenant("acme");
    Tenant globex = tenant("globex");
    App guest = app(tenant("initech"), "guest");
    ApiDefinition mine = api(acme, "Get");
    ApiDefinition theirs = api(globex, "Put");
    // The first API is fine; the authorization must still not appear with only that one.
    assertRefusedUntouched(
        () -> store.authorize(authorization("auth", acme, guest, mine.id(), theirs.id())),
        UNKNOWN_REFERENCE);
    assertThat(store.authorizationsGranted(acme.id())).isEmpty();
  }

  @Test
  void authorize_ownApp_unknownApp_unknownGrantor_andDuplicateId_areRefused() throws Exception {
    Tenant acme = tenant("acme");
    App own = app(acme, "own");
    App guest = app(tenant("globex"), "guest");
    ApiDefinition api = api(acme, "Get");
    assertRefusedUntouched(
        () -> store.authorize(authorization("a1", acme, own, api.id())), SAME_TENANT);
    assertRefusedUntouched(
        () -> store.authorize(authorization("a2", acme, new App(p + "ghost", acme.id(), "g"), api.id())),
        UNKNOWN_REFERENCE);
    assertRefusedUntouched(
        () -> store.authorize(authorization("a3", new Tenant(p + "nobody", "n"), guest, api.id())),
        UNKNOWN_REFERENCE);
    store.authorize(authorization("a4", acme, guest, api.id()));
    assertRefusedUntouched(
        () -> store.authorize(authorization("a4", acme, guest, api.id())), DUPLICATE);
  }

  @Test
  void revokeAuthorization_byTheGrantee_isNotFound_byTheGrantor_marksItRevoked() throws Exception {
    Tenant acme = tenant("acme");
    App guest = app(tenant("globex"), "guest");
    ApiDefinition api = api(acme, "Get");
    store.authorize(authorization("auth", acme, guest, api.id()));

    assertNotFoundUntouched(() -> store.revokeAuthorization(guest.tenantId(), p + "auth"));
    store.revokeAuthorization(acme.id(), p + "auth");

    assertThat(store.authorizationsGranted(acme.id())).singleElement()
        .extracting(CrossTenantAuthorization::revoked).isEqualTo(true);
  }

  @Test
  void invalidIds_areRejectedBeforeTouchingTheDatabase() throws Exception {
    Map<String, Long> before = databaseState();
    assertThatThrownBy(() -> store.createTenant(new Tenant("has space", "x")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.createTenant(new Tenant(p + "x", " ")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.apis("a'; DROP TABLE apis; --"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> store.registerApi(
                new ApiDefinition(p + "a", p + "t", "t.example", "/pkg.Svc/Get", "b:1",
                    AuthMode.NONE)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.authorize(authorization("empty", new Tenant(p + "t", "t"),
            new App(p + "a", p + "u", "a"))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(databaseState()).isEqualTo(before);
  }
}
