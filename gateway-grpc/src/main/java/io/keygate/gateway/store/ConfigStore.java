package io.keygate.gateway.store;

import io.keygate.gateway.config.ConfigSnapshot;
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

  /** @throws ConfigConflictException DUPLICATE if the id is taken */
  void createTenant(Tenant tenant) throws ConfigStoreException;

  /** @throws ConfigConflictException UNKNOWN_REFERENCE (no such tenant), DUPLICATE (app id) */
  void createApp(App app) throws ConfigStoreException;

  /**
   * Stores a credential of an app; the secret stays in the HSM under {@code secretLabel}.
   *
   * @throws ConfigConflictException UNKNOWN_REFERENCE (app not in the tenant), DUPLICATE (key)
   */
  void addCredential(Credential credential) throws ConfigStoreException;

  /** Revokes at once. @throws ConfigNotFoundException if the tenant has no such key */
  void revokeCredential(String tenantId, String accessKey) throws ConfigStoreException;

  /**
   * Lets a credential keep working until {@code notAfter}, then expire (rotation: add the new key,
   * roll it out, retire the old one).
   *
   * @throws ConfigNotFoundException if the tenant has no such key
   */
  void retireCredential(String tenantId, String accessKey, Instant notAfter)
      throws ConfigStoreException;

  /**
   * @throws ConfigConflictException UNKNOWN_REFERENCE (no such tenant), DUPLICATE (API id, or the
   *     method name is registered by any tenant: method names are unique cluster-wide)
   */
  void registerApi(ApiDefinition api) throws ConfigStoreException;

  /**
   * Replaces method name, backend target and auth mode of an API of {@code api.tenantId()}.
   *
   * @throws ConfigNotFoundException if the tenant has no API with that id
   * @throws ConfigConflictException DUPLICATE if the new method name is taken
   */
  void updateApi(ApiDefinition api) throws ConfigStoreException;

  /**
   * Removes an API together with the grants and cross-tenant authorization entries that name it,
   * so none of them can come back to life if the id is reused.
   *
   * @throws ConfigNotFoundException if the tenant has no API with that id
   */
  void removeApi(String tenantId, String apiId) throws ConfigStoreException;

  /**
   * @throws ConfigConflictException UNKNOWN_REFERENCE (app or API not of the grant's tenant),
   *     DUPLICATE (already granted)
   */
  void grant(Grant grant) throws ConfigStoreException;

  /** @throws ConfigNotFoundException if there is no such grant */
  void revokeGrant(Grant grant) throws ConfigStoreException;

  /**
   * Lets an app of another tenant call some APIs of the grantor tenant until it expires.
   *
   * @throws ConfigConflictException UNKNOWN_REFERENCE (grantor tenant, grantee app, or an API not
   *     of the grantor), SAME_TENANT (grantee app is the grantor's own), DUPLICATE (id)
   * @throws IllegalArgumentException if it names no API or has no expiry
   */
  void authorize(CrossTenantAuthorization authorization) throws ConfigStoreException;

  /** @throws ConfigNotFoundException if the grantor tenant has no such authorization */
  void revokeAuthorization(String grantorTenantId, String authorizationId)
      throws ConfigStoreException;

  /**
   * Records that a credential authenticated a call at {@code when}. Cheap and not a config change:
   * no version bump, and it never moves the time backwards. Unknown keys are ignored.
   */
  void recordLastUsed(String accessKey, Instant when) throws ConfigStoreException;

  // ---- reads ----

  /** Every tenant. Operator-level: not for calls authenticated as a tenant. */
  List<Tenant> tenants() throws ConfigStoreException;

  Optional<Tenant> tenant(String tenantId) throws ConfigStoreException;

  List<App> apps(String tenantId) throws ConfigStoreException;

  List<ApiDefinition> apis(String tenantId) throws ConfigStoreException;

  /** The tenant's credentials with up-to-date {@code lastUsed} (snapshots may lag on that). */
  List<Credential> credentials(String tenantId) throws ConfigStoreException;

  /**
   * The credentials, of any tenant, whose AccessSecret is the HSM key {@code label} (one, or none
   * for a key that is no credential's). For the admin plane: deciding whether a key may go.
   */
  List<Credential> credentialsWithSecret(KeyLabel label) throws ConfigStoreException;

  List<Grant> grants(String tenantId) throws ConfigStoreException;

  /** Authorizations the tenant granted to apps of other tenants. */
  List<CrossTenantAuthorization> authorizationsGranted(String tenantId)
      throws ConfigStoreException;

  /**
   * Authorizations other tenants granted to this tenant's apps. They name the grantor and its API
   * ids: that much of the grantor is meant to be shared with the grantee.
   */
  List<CrossTenantAuthorization> authorizationsReceived(String tenantId)
      throws ConfigStoreException;

  /** Increases by one with every committed provisioning write. Cheap: one row. */
  long currentVersion() throws ConfigStoreException;

  /** Everything, as of one version (a consistent cut: never half of a write). */
  ConfigSnapshot loadSnapshot() throws ConfigStoreException;
}
