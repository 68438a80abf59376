package io.keygate.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.BackendTarget;
import io.keygate.gateway.model.BackendTls;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.model.Tenant;
import io.keygate.gateway.store.StoreException;
import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.WrappedSecret;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The change feed on a real database: a snapshot moved forward by {@link
 * ConfigStore#changesSince} after every kind of write is the same as one loaded whole, a delta
 * names only what changed, and the store declines (so the node loads whole) whenever the feed
 * cannot vouch for what happened.
 */
abstract class ChangeFeedContract extends StoreFixture {
  /** The store's feed keeps this many versions, pruning on every 256th (see ChangeLog). */
  private static final long RETAINED_VERSIONS = 10_000;
  private static final long PRUNE_EVERY = 256;
  /** Every id a test has seen, so that a snapshot can be compared with another on all of them. */
  private final Set<String> tenantIds = new LinkedHashSet<>();
  private final Set<String> appIds = new LinkedHashSet<>();
  private final Set<String> accessKeys = new LinkedHashSet<>();
  private final Set<ApiDefinition> apis = new LinkedHashSet<>();

  private ConfigSnapshot followed;

  /** Moves the followed snapshot forward by the feed, and checks it against a whole load. */
  private ConfigDelta follow() throws StoreException {
    ConfigDelta delta = store.changesSince(followed.version()).orElseThrow(
        () -> new AssertionError("the feed declined a delta it should give"));
    followed = followed.apply(delta);
    ConfigSnapshot whole = store.loadSnapshot();
    assertThat(followed.version()).isEqualTo(whole.version()).isEqualTo(store.currentVersion());
    remember();
    assertThat(view(followed)).isEqualTo(view(whole));
    return delta;
  }

  private void remember() throws StoreException {
    for (Tenant t : store.tenants()) {
      tenantIds.add(t.id());
      store.apps(t.id()).forEach(a -> appIds.add(a.id()));
      store.credentials(t.id()).forEach(c -> accessKeys.add(c.accessKey()));
      apis.addAll(store.apis(t.id()));
    }
  }

  /** What the hot path can ask a snapshot, on every id seen. */
  private Map<String, Object> view(ConfigSnapshot s) {
    Map<String, Object> v = new LinkedHashMap<>();
    tenantIds.forEach(id -> v.put("tenant " + id, s.tenant(id)));
    appIds.forEach(id -> v.put("app " + id, s.app(id)));
    appIds.forEach(id -> v.put("authorizations " + id, Set.copyOf(s.authorizationsFor(id))));
    accessKeys.forEach(key -> v.put("credential " + key, s.credential(key)));
    for (ApiDefinition api : apis) {
      v.put("api " + api.id(), s.api(api.id()));
      s.api(api.id()).ifPresent(a -> v.put("backend " + api.id(), s.backendOf(a)));
      v.put("route " + api.domain() + " " + api.methodName(),
          s.route(api.domain(), api.methodName()));
      for (String tenant : tenantIds) {
        for (String app : appIds) {
          v.put("grant " + tenant + " " + app + " " + api.id(), s.hasGrant(tenant, app, api.id()));
        }
      }
    }
    v.put("credentials", s.credentialCount());
    return v;
  }

  @Test
  void afterEveryKindOfWrite_theSnapshotMovedByTheFeed_equalsAWholeLoad() throws Exception {
    followed = store.loadSnapshot();
    Tenant acme = tenant("acme");
    follow();
    Tenant globex = tenant("globex");
    App app = app(acme, "app");
    App other = app(globex, "other");
    follow();
    Credential key = credential(app, "AK1");
    follow();
    ApiDefinition api = api(acme, "Get");
    follow();
    allowBackend(acme, "b2:1", true);
    follow();
    store.updateApi(new ApiDefinition(
        api.id(), acme.id(), api.domain(), api.methodName(), "b2:1", AuthMode.NONE));
    follow();
    store.grant(new Grant(acme.id(), app.id(), api.id()));
    follow();
    store.authorize(authorization("auth", acme, other, api.id()));
    follow();
    store.revokeAuthorization(acme.id(), p + "auth");
    follow();
    store.retireCredential(acme.id(), key.accessKey(), T0.plusSeconds(60));
    follow();
    KekId kek = KekId.of("k" + Integer.toHexString(p.hashCode() & 0x0fffffff));
    WrappedSecret blob = new WrappedSecret(kek, new byte[40]);
    store.addCredential(new Credential(p + "W", app.id(), app.tenantId(),
        KeyLabel.of("ak-" + p + "w"), null, false, null, blob));
    follow();
    store.replaceWrappedSecret(p + "W", blob, new WrappedSecret(kek, new byte[48]));
    follow();
    App bulk1 = new App(p + "bulk1", acme.id(), "bulk 1");
    App bulk2 = new App(p + "bulk2", acme.id(), "bulk 2");
    store.createAppsWithCredentials(acme.id(), List.of(bulk1, bulk2), List.of(
        new Credential(p + "B1", bulk1.id(), acme.id(), KeyLabel.of("ak-" + p + "b1"), null, false,
            null, blob),
        new Credential(p + "B2", bulk2.id(), acme.id(), KeyLabel.of("ak-" + p + "b2"), null, false,
            null, blob)), List.of(api.id()));
    ConfigDelta bulk = follow();
    assertThat(bulk.credentials()).containsOnlyKeys(p + "B1", p + "B2");
    assertThat(followed.hasGrant(acme.id(), bulk2.id(), api.id())).isTrue();
    store.revokeCredential(acme.id(), key.accessKey());
    follow();
    store.revokeGrant(new Grant(acme.id(), app.id(), api.id()));
    follow();
    store.removeApi(acme.id(), api.id());
    follow();
    store.removeBackend(acme.id(), "b2:1");
    store.removeDomain(acme.id(), api.domain());
    follow();
  }

  @Test
  void aBackendTlsPolicy_travelsWithTheSharedPart_asDoesItsChangeAndRemoval() throws Exception {
    followed = store.loadSnapshot();
    BackendTarget target = BackendTarget.parse(p + "orders.internal:9443");
    X509Certificate anchor = selfSigned();
    BackendTls mtls = new BackendTls(target.toString(), BackendTls.Mode.MTLS, List.of(anchor),
        "orders.internal", Optional.of(KeyLabel.of("gateway-backend-client")));
    store.setBackendTls(mtls);
    assertThat(follow().shared()).isPresent();
    assertThat(followed.backendTls(target)).contains(mtls);
    assertThat(store.loadSnapshot().backendTls(target)).contains(mtls);

    BackendTls tls = new BackendTls(target.toString(), BackendTls.Mode.TLS, List.of(anchor),
        "orders.internal", Optional.empty());
    store.setBackendTls(tls);
    follow();
    assertThat(followed.backendTls(target)).contains(tls);

    store.removeBackendTls(target.toString());
    follow();
    assertThat(followed.backendTls(target)).isEmpty();
    assertThat(store.backendTls()).noneMatch(b -> b.target().equals(target.toString()));
  }

  private static X509Certificate selfSigned() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = g.generateKeyPair();
    X500Name name = new X500Name("CN=Backend CA");
    return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
            name, BigInteger.ONE, Date.from(T0), Date.from(T0.plusSeconds(3600)), name,
            keys.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
  }

  @Test
  void aRevoke_isADeltaOfThatOneCredential_evenAmongMany() throws Exception {
    App app = app(tenant("acme"), "app");
    for (int i = 0; i < 200; i++) {
      credential(app, "K" + i);
    }
    followed = store.loadSnapshot();
    store.revokeCredential(app.tenantId(), p + "K17");

    ConfigDelta delta = follow();
    assertThat(delta.credentials()).containsOnlyKeys(p + "K17");
    assertThat(delta.apps()).isEmpty();
    assertThat(delta.shared()).isEmpty();
    assertThat(followed.credential(p + "K17")).hasValueSatisfying(c -> assertThat(c.revoked()).isTrue());
  }

  @Test
  void aRemovedApi_registeredAgainUnderItsId_doesNotBringItsOldGrantsBack() throws Exception {
    Tenant acme = tenant("acme");
    App app = app(acme, "app");
    ApiDefinition api = api(acme, "Get");
    store.grant(new Grant(acme.id(), app.id(), api.id()));
    followed = store.loadSnapshot();
    assertThat(followed.hasGrant(acme.id(), app.id(), api.id())).isTrue();

    // An admin removes the API and, later, registers one under the same id: the app was never
    // granted the new one. A node that missed the grant's removal would let the app call it.
    store.removeApi(acme.id(), api.id());
    store.registerApi(api);
    ConfigDelta delta = follow();

    assertThat(delta.apps()).containsKey(app.id());
    assertThat(followed.hasGrant(acme.id(), app.id(), api.id())).isFalse();
  }

  @Test
  void writesThatChangeNoSnapshot_giveAnEmptyDelta() throws Exception {
    Tenant acme = tenant("acme");
    followed = store.loadSnapshot();
    allowBackend(acme, "quiet:1", false);
    domainOf(acme);

    ConfigDelta delta = follow();
    assertThat(delta.size()).isZero();
    assertThat(delta.toVersion()).isEqualTo(delta.fromVersion() + 2);
  }

  @Test
  void theStoreDeclines_whenItIsBehindTheNode_orAWriteAskedForAWholeLoad() throws Exception {
    tenant("acme");
    long now = store.currentVersion();
    assertThat(store.changesSince(now)).hasValueSatisfying(d -> assertThat(d.size()).isZero());
    // A database restored from an older backup: the node is ahead of the store.
    assertThat(store.changesSince(now + 1)).isEmpty();

    long before = store.currentVersion();
    tenant("globex");
    sql("INSERT INTO config_changes (version, kind, subject) VALUES ("
        + store.currentVersion() + ", 'FULL', '')");
    assertThat(store.changesSince(before)).isEmpty();
  }

  @Test
  void aVersionWrittenAroundTheStore_isNotTrusted_theNodeLoadsWhole() throws Exception {
    App app = app(tenant("acme"), "app");
    credential(app, "K1");
    long before = store.currentVersion();
    // An operator's hand-made fix: a row changed and the version bumped, but no feed entry.
    sql("UPDATE credentials SET revoked = TRUE WHERE access_key = '" + p + "K1'");
    sql("UPDATE config_version SET version = version + 1 WHERE id = 1");
    assertThat(store.changesSince(before)).isEmpty();
  }

  @Test
  void oldEntriesArePruned_andANodeOlderThanTheFeedLoadsWhole() throws Exception {
    App app = app(tenant("acme"), "app");
    long before = store.currentVersion();
    // Jump the version to just before a pruning write, as after a long life of the store.
    long pruningVersion = ((before + 3 * RETAINED_VERSIONS) / PRUNE_EVERY + 1)
        * PRUNE_EVERY;
    sql("UPDATE config_version SET version = " + (pruningVersion - 1) + " WHERE id = 1");
    long stale = store.currentVersion();
    credential(app, "K1");
    assertThat(store.currentVersion()).isEqualTo(pruningVersion);

    long feedStart = pruningVersion - RETAINED_VERSIONS;
    assertThat(count("SELECT COUNT(*) FROM config_changes WHERE version <= " + feedStart)).isZero();
    assertThat(count("SELECT COUNT(*) FROM config_changes WHERE version = " + pruningVersion))
        .isEqualTo(1);
    assertThat(store.changesSince(before)).isEmpty();
    assertThat(store.changesSince(feedStart - 1)).isEmpty();
    assertThat(store.changesSince(stale))
        .hasValueSatisfying(d -> assertThat(d.credentials()).containsOnlyKeys(p + "K1"));
  }

  private void sql(String statement) throws SQLException {
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate(statement);
    }
  }

  private long count(String query) throws SQLException {
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
        var rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
