package io.keygate.gateway.config;

import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.store.StoreNotFoundException;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.model.CrossTenantAuthorization;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.model.Tenant;

import io.keygate.hsm.KeyLabel;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The durable configuration shared by every gateway node of a cluster.
 *
 * <p>Writes are for provisioning (the admin API and CLI), not the hot path: each runs in one
 * transaction that also bumps {@link #currentVersion()}, so nodes notice it on their next poll
 * (see {@link SnapshotRefresher}); a refused write throws and leaves nothing behind. Writes that
 * touch an existing object take the owning tenant's id and act only inside that tenant.
 *
 * <p>Reads other than {@link #tenants()} and {@link #loadSnapshot()} are tenant-scoped: they return
 * only rows of the tenant named, so an admin call authenticated as one tenant cannot see another's
 * objects. The hot path never reads the store; it reads a {@link ConfigSnapshot}.
 *
 * <p>Instants are stored with millisecond precision (finer parts are dropped). Ids, access keys
 * and method names compare exactly (case-sensitively) on every supported database.
 */
public interface ConfigStore {

  // ---- provisioning writes (each one transaction, each bumps the version) ----

  /** @throws StoreConflictException DUPLICATE if the id is taken */
  void createTenant(Tenant tenant) throws StoreException;

  /** @throws StoreConflictException UNKNOWN_REFERENCE (no such tenant), DUPLICATE (app id) */
  void createApp(App app) throws StoreException;

  /**
   * Stores a credential of an app; the secret stays in the HSM under {@code secretLabel}.
   *
   * @throws StoreConflictException UNKNOWN_REFERENCE (app not in the tenant), DUPLICATE (key)
   */
  void addCredential(Credential credential) throws StoreException;

  /** Revokes at once. @throws StoreNotFoundException if the tenant has no such key */
  void revokeCredential(String tenantId, String accessKey) throws StoreException;

  /**
   * Lets a credential keep working until {@code notAfter}, then expire (rotation: add the new key,
   * roll it out, retire the old one).
   *
   * @throws StoreNotFoundException if the tenant has no such key
   */
  void retireCredential(String tenantId, String accessKey, Instant notAfter)
      throws StoreException;

  /**
   * @throws StoreConflictException UNKNOWN_REFERENCE (no such tenant), DUPLICATE (API id, or the
   *     method name is registered by any tenant: method names are unique cluster-wide)
   */
  void registerApi(ApiDefinition api) throws StoreException;

  /**
   * Replaces method name, backend target and auth mode of an API of {@code api.tenantId()}.
   *
   * @throws StoreNotFoundException if the tenant has no API with that id
   * @throws StoreConflictException DUPLICATE if the new method name is taken
   */
  void updateApi(ApiDefinition api) throws StoreException;

  /**
   * Removes an API together with the grants and cross-tenant authorization entries that name it,
   * so none of them can come back to life if the id is reused.
   *
   * @throws StoreNotFoundException if the tenant has no API with that id
   */
  void removeApi(String tenantId, String apiId) throws StoreException;

  /**
   * @throws StoreConflictException UNKNOWN_REFERENCE (app or API not of the grant's tenant),
   *     DUPLICATE (already granted)
   */
  void grant(Grant grant) throws StoreException;

  /** @throws StoreNotFoundException if there is no such grant */
  void revokeGrant(Grant grant) throws StoreException;

  /**
   * Lets an app of another tenant call some APIs of the grantor tenant until it expires.
   *
   * @throws StoreConflictException UNKNOWN_REFERENCE (grantor tenant, grantee app, or an API not
   *     of the grantor), SAME_TENANT (grantee app is the grantor's own), DUPLICATE (id)
   * @throws IllegalArgumentException if it names no API or has no expiry
   */
  void authorize(CrossTenantAuthorization authorization) throws StoreException;

  /** @throws StoreNotFoundException if the grantor tenant has no such authorization */
  void revokeAuthorization(String grantorTenantId, String authorizationId)
      throws StoreException;

  /**
   * Records that a credential authenticated a call at {@code when}. Cheap and not a config change:
   * no version bump, and it never moves the time backwards. Unknown keys are ignored.
   */
  void recordLastUsed(String accessKey, Instant when) throws StoreException;

  // ---- reads ----

  /** Every tenant. Operator-level: not for calls authenticated as a tenant. */
  List<Tenant> tenants() throws StoreException;

  Optional<Tenant> tenant(String tenantId) throws StoreException;

  List<App> apps(String tenantId) throws StoreException;

  List<ApiDefinition> apis(String tenantId) throws StoreException;

  /** The tenant's credentials with up-to-date {@code lastUsed} (snapshots may lag on that). */
  List<Credential> credentials(String tenantId) throws StoreException;

  /**
   * The credentials, of any tenant, whose AccessSecret is the HSM key {@code label} (one, or none
   * for a key that is no credential's). For the admin plane: deciding whether a key may go.
   */
  List<Credential> credentialsWithSecret(KeyLabel label) throws StoreException;

  List<Grant> grants(String tenantId) throws StoreException;

  /** Authorizations the tenant granted to apps of other tenants. */
  List<CrossTenantAuthorization> authorizationsGranted(String tenantId)
      throws StoreException;

  /**
   * Authorizations other tenants granted to this tenant's apps. They name the grantor and its API
   * ids: that much of the grantor is meant to be shared with the grantee.
   */
  List<CrossTenantAuthorization> authorizationsReceived(String tenantId)
      throws StoreException;

  /** Increases by one with every committed provisioning write. Cheap: one row. */
  long currentVersion() throws StoreException;

  /** Everything, as of one version (a consistent cut: never half of a write). */
  ConfigSnapshot loadSnapshot() throws StoreException;
}
