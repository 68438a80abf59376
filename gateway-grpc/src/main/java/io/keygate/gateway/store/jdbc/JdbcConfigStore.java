package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.config.ConfigDelta;
import io.keygate.gateway.config.ConfigSnapshot;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.BackendAllowance;
import io.keygate.gateway.model.BackendTls;
import io.keygate.gateway.model.DomainAllowance;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.model.CrossTenantAuthorization;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.model.IdRules;
import io.keygate.gateway.model.Tenant;
import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreNotFoundException;
import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.store.StoreException;

import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.WrappedSecret;
import static io.keygate.gateway.store.StoreConflictException.Kind.DUPLICATE;
import static io.keygate.gateway.store.StoreConflictException.Kind.UNKNOWN_REFERENCE;
import static io.keygate.gateway.store.jdbc.SqlStatements.NULL_TEXT;
import static io.keygate.gateway.store.jdbc.SqlStatements.exists;
import static io.keygate.gateway.store.jdbc.SqlStatements.update;

import io.keygate.gateway.store.jdbc.ConfigRows.Scope;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@link ConfigStore} over JDBC: H2, MariaDB/MySQL or PostgreSQL with the Flyway schema under
 * {@code db/migration}. Tenants, apps and credentials are written here; APIs, grants and
 * cross-tenant authorizations in {@link AccessWrites}; officers' domain and backend allowances in
 * {@link AllowanceWrites}; snapshots come from {@link SnapshotLoader}, and what changed since
 * one from {@link ChangeFeedReader}.
 *
 * <p>Every write checks its invariants itself (for clear messages) inside the transaction that
 * bumps the version; the schema's keys and composite foreign keys refuse the same things again.
 */
public final class JdbcConfigStore implements ConfigStore {
  private final JdbcTransactions tx;
  private final Clock clock;
  private final AccessWrites accessWrites;
  private final AllowanceWrites allowanceWrites;
  private final BulkWrites bulkWrites;
  private final LastUseWrites lastUseWrites;
  private final BackendTlsRows backendTls;
  private final SnapshotLoader snapshots;
  private final ChangeFeedReader changeFeed;

  /**
   * @param clock stamps {@code created_at}; nothing the gateway decides depends on it
   */
  public JdbcConfigStore(DataSource dataSource, Clock clock) {
    this.tx = new JdbcTransactions(Objects.requireNonNull(dataSource, "dataSource"));
    this.clock = Objects.requireNonNull(clock, "clock");
    this.accessWrites = new AccessWrites(tx, clock);
    this.lastUseWrites = new LastUseWrites(tx);
    this.allowanceWrites = new AllowanceWrites(tx, clock);
    this.bulkWrites = new BulkWrites(tx, clock);
    this.backendTls = new BackendTlsRows(tx, clock);
    ConsistentRead consistent = new ConsistentRead(tx);
    this.snapshots = new SnapshotLoader(consistent);
    this.changeFeed = new ChangeFeedReader(consistent);
  }

  @Override
  public void createTenant(Tenant tenant) throws StoreException {
    String id = IdRules.id("tenant id", tenant.id());
    String name = IdRules.name("tenant name", tenant.name());
    tx.write(
        "createTenant " + id,
        (c, changes) -> {
          changes.shared();
          if (exists(c, "SELECT 1 FROM tenants WHERE id = ?", id)) {
            throw new StoreConflictException(DUPLICATE, "tenant " + id + " already exists");
          }
          update(c, "INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)", id, name, now());
        });
  }

  @Override
  public void createApp(App app) throws StoreException {
    String id = IdRules.id("app id", app.id());
    String tenantId = IdRules.id("tenant id", app.tenantId());
    String name = IdRules.name("app name", app.name());
    tx.write(
        "createApp " + id,
        (c, changes) -> {
          changes.app(id);
          requireTenant(c, tenantId);
          if (exists(c, "SELECT 1 FROM apps WHERE id = ?", id)) {
            throw new StoreConflictException(DUPLICATE, "app id " + id + " is taken");
          }
          update(
              c,
              "INSERT INTO apps (id, tenant_id, name, created_at) VALUES (?, ?, ?, ?)",
              id,
              tenantId,
              name,
              now());
        });
  }

  @Override
  public void addCredential(Credential credential) throws StoreException {
    String accessKey = IdRules.id("access key", credential.accessKey());
    String appId = IdRules.id("app id", credential.appId());
    String tenantId = IdRules.id("tenant id", credential.tenantId());
    Objects.requireNonNull(credential.secretLabel(), "secret label");
    tx.write(
        "addCredential " + accessKey,
        (c, changes) -> {
          changes.credential(accessKey);
          requireApp(c, tenantId, appId);
          if (exists(c, "SELECT 1 FROM credentials WHERE access_key = ?", accessKey)) {
            throw new StoreConflictException(DUPLICATE, "access key " + accessKey + " is taken");
          }
          update(
              c,
              "INSERT INTO credentials (access_key, app_id, tenant_id, secret_label, not_after,"
                  + " revoked, last_used, created_at, kek_id, wrapped_secret)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              accessKey,
              appId,
              tenantId,
              credential.secretLabel().value(),
              credential.notAfter(),
              credential.revoked(),
              credential.lastUsed(),
              now(),
              credential.isWrapped() ? credential.wrapped().kek().value() : NULL_TEXT,
              credential.isWrapped() ? credential.wrapped().encoded() : NULL_TEXT);
        });
  }

  @Override
  public void createAppsWithCredentials(String tenantId, List<App> apps,
      List<Credential> credentials, List<String> grantedApiIds) throws StoreException {
    bulkWrites.createAppsWithCredentials(tenantId, apps, credentials, grantedApiIds);
  }

  @Override
  public void revokeCredential(String tenantId, String accessKey) throws StoreException {
    updateCredential(
        "revokeCredential", tenantId, accessKey, "UPDATE credentials SET revoked = ?", true);
  }

  @Override
  public void retireCredential(String tenantId, String accessKey, Instant notAfter)
      throws StoreException {
    Objects.requireNonNull(notAfter, "notAfter");
    updateCredential(
        "retireCredential", tenantId, accessKey, "UPDATE credentials SET not_after = ?", notAfter);
  }

  private void updateCredential(
      String operation, String tenantId, String accessKey, String set, Object value)
      throws StoreException {
    IdRules.id("tenant id", tenantId);
    IdRules.id("access key", accessKey);
    tx.write(
        operation + " " + accessKey,
        (c, changes) -> {
          changes.credential(accessKey);
          // Scoped by tenant: one tenant cannot revoke or retire another's key.
          int n = update(c, set + " WHERE access_key = ? AND tenant_id = ?", value, accessKey, tenantId);
          if (n == 0) {
            throw new StoreNotFoundException(
                "tenant " + tenantId + " has no credential " + accessKey);
          }
        });
  }

  @Override
  public void allowDomain(DomainAllowance allowance) throws StoreException {
    allowanceWrites.allowDomain(allowance);
  }

  @Override
  public void removeDomain(String tenantId, String domain) throws StoreException {
    allowanceWrites.removeDomain(tenantId, domain);
  }

  @Override
  public void allowBackend(BackendAllowance allowance) throws StoreException {
    allowanceWrites.allowBackend(allowance);
  }

  @Override
  public void removeBackend(String tenantId, String target) throws StoreException {
    allowanceWrites.removeBackend(tenantId, target);
  }

  @Override
  public void setBackendTls(BackendTls policy) throws StoreException {
    backendTls.set(policy);
  }

  @Override
  public void removeBackendTls(String target) throws StoreException {
    backendTls.remove(target);
  }

  @Override
  public List<BackendTls> backendTls() throws StoreException {
    return backendTls.all();
  }

  @Override
  public void registerApi(ApiDefinition api) throws StoreException {
    accessWrites.registerApi(api);
  }

  @Override
  public void updateApi(ApiDefinition api) throws StoreException {
    accessWrites.updateApi(api);
  }

  @Override
  public void removeApi(String tenantId, String apiId) throws StoreException {
    accessWrites.removeApi(tenantId, apiId);
  }

  @Override
  public void grant(Grant grant) throws StoreException {
    accessWrites.grant(grant);
  }

  @Override
  public void revokeGrant(Grant grant) throws StoreException {
    accessWrites.revokeGrant(grant);
  }

  @Override
  public void authorize(CrossTenantAuthorization authorization) throws StoreException {
    accessWrites.authorize(authorization);
  }

  @Override
  public void revokeAuthorization(String grantorTenantId, String authorizationId)
      throws StoreException {
    accessWrites.revokeAuthorization(grantorTenantId, authorizationId);
  }

  @Override
  public void recordLastUses(Map<String, Instant> lastUses) throws StoreException {
    lastUseWrites.record(lastUses);
  }

  @Override
  public List<Tenant> tenants() throws StoreException {
    return tx.read("tenants", c -> ConfigRows.tenants(c, Scope.all()));
  }

  @Override
  public Optional<Tenant> tenant(String tenantId) throws StoreException {
    Scope scope = Scope.tenant(tenantId);
    return tx.read("tenant", c -> ConfigRows.tenants(c, scope).stream().findFirst());
  }

  @Override
  public List<App> apps(String tenantId) throws StoreException {
    Scope scope = Scope.tenant(tenantId);
    return tx.read("apps", c -> ConfigRows.apps(c, scope));
  }

  @Override
  public List<ApiDefinition> apis(String tenantId) throws StoreException {
    Scope scope = Scope.tenant(tenantId);
    return tx.read("apis", c -> ConfigRows.apis(c, scope));
  }

  @Override
  public List<DomainAllowance> domains(String tenantId) throws StoreException {
    Scope scope = Scope.tenant(tenantId);
    return tx.read("domains", c -> ConfigRows.domains(c, scope));
  }

  @Override
  public List<BackendAllowance> backends(String tenantId) throws StoreException {
    Scope scope = Scope.tenant(tenantId);
    return tx.read("backends", c -> ConfigRows.backends(c, scope));
  }

  @Override
  public List<Credential> credentials(String tenantId) throws StoreException {
    Scope scope = Scope.tenant(tenantId);
    return tx.read("credentials", c -> ConfigRows.credentials(c, scope));
  }

  @Override
  public List<Credential> credentialsWithSecret(KeyLabel label) throws StoreException {
    Objects.requireNonNull(label, "label");
    return tx.read("credentialsWithSecret", c -> ConfigRows.credentialsWithSecret(c, label));
  }

  @Override
  public List<Credential> credentialsWrappedUnder(KekId kek, String afterAccessKey, int limit)
      throws StoreException {
    Objects.requireNonNull(kek, "kek");
    Objects.requireNonNull(afterAccessKey, "afterAccessKey");
    return tx.read("credentialsWrappedUnder",
        c -> ConfigRows.credentialsWrappedUnder(c, kek, afterAccessKey, limit));
  }

  @Override
  public boolean replaceWrappedSecret(
      String accessKey, WrappedSecret expected, WrappedSecret replacement) throws StoreException {
    IdRules.id("access key", accessKey);
    boolean[] replaced = new boolean[1];
    tx.write(
        "replaceWrappedSecret " + accessKey,
        (c, changes) -> {
          changes.credential(accessKey);
          replaced[0] = update(c,
              "UPDATE credentials SET kek_id = ?, wrapped_secret = ?"
                  + " WHERE access_key = ? AND kek_id = ? AND wrapped_secret = ?",
              replacement.kek().value(), replacement.encoded(), accessKey,
              expected.kek().value(), expected.encoded()) == 1;
        });
    return replaced[0];
  }

  @Override
  public List<Grant> grants(String tenantId) throws StoreException {
    Scope scope = Scope.tenant(tenantId);
    return tx.read("grants", c -> ConfigRows.grants(c, scope));
  }

  @Override
  public List<CrossTenantAuthorization> authorizationsGranted(String tenantId)
      throws StoreException {
    Scope scope = Scope.tenant(tenantId);
    return tx.read("authorizationsGranted", c -> ConfigRows.authorizationsGranted(c, scope));
  }

  @Override
  public List<CrossTenantAuthorization> authorizationsReceived(String tenantId)
      throws StoreException {
    Scope scope = Scope.tenant(tenantId);
    return tx.read("authorizationsReceived", c -> ConfigRows.authorizationsReceived(c, scope));
  }

  @Override
  public long currentVersion() throws StoreException {
    return tx.autocommit("currentVersion", JdbcTransactions::version);
  }

  @Override
  public ConfigSnapshot loadSnapshot() throws StoreException {
    return snapshots.load();
  }

  @Override
  public Optional<ConfigDelta> changesSince(long version) throws StoreException {
    return changeFeed.since(version);
  }

  private Instant now() {
    return clock.instant();
  }

  static void requireTenant(Connection c, String tenantId)
      throws SQLException, StoreConflictException {
    if (!exists(c, "SELECT 1 FROM tenants WHERE id = ?", tenantId)) {
      throw new StoreConflictException(UNKNOWN_REFERENCE, "unknown tenant " + tenantId);
    }
  }

  static void requireApp(Connection c, String tenantId, String appId)
      throws SQLException, StoreConflictException {
    if (!exists(c, "SELECT 1 FROM apps WHERE id = ? AND tenant_id = ?", appId, tenantId)) {
      throw new StoreConflictException(
          UNKNOWN_REFERENCE, "tenant " + tenantId + " has no app " + appId);
    }
  }
}
