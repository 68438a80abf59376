package io.keygate.gateway.config;

import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.store.StoreNotFoundException;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.BackendAllowance;
import io.keygate.gateway.model.BackendTls;
import io.keygate.gateway.model.DomainAllowance;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.model.CrossTenantAuthorization;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.model.Tenant;

import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.WrappedSecret;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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

  /**
   * Creates apps of one tenant, each with its credentials and each granted the tenant's APIs
   * named, in one transaction with one version bump (bulk issuance): all of it, or nothing.
   *
   * @throws StoreConflictException UNKNOWN_REFERENCE (no such tenant, an API not of the tenant,
   *     an app or credential not of the tenant or not of an app of {@code apps}), DUPLICATE (an app
   *     id or access key taken, or twice in the batch)
   */
  void createAppsWithCredentials(String tenantId, List<App> apps, List<Credential> credentials,
      List<String> grantedApiIds) throws StoreException;

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
   * Gives a domain to a tenant (a security officer's write): the tenant's APIs may then be
   * served under it, and calls sent to it reach only that tenant's APIs.
   *
   * @throws StoreConflictException UNKNOWN_REFERENCE (no such tenant), DUPLICATE (the domain is
   *     any tenant's already)
   */
  void allowDomain(DomainAllowance allowance) throws StoreException;

  /**
   * @throws StoreNotFoundException if the tenant has no such domain
   * @throws StoreConflictException IN_USE if APIs of the tenant are served under it
   */
  void removeDomain(String tenantId, String domain) throws StoreException;

  /**
   * Lets a tenant's APIs forward to a backend target (a security officer's write), or changes
   * whether APIs on it may use auth mode NONE.
   *
   * @throws StoreConflictException UNKNOWN_REFERENCE (no such tenant), IN_USE (disallowing
   *     unauthenticated use while NONE-mode APIs use the target)
   */
  void allowBackend(BackendAllowance allowance) throws StoreException;

  /**
   * @throws StoreNotFoundException if the tenant has no such backend allowance
   * @throws StoreConflictException IN_USE if APIs of the tenant forward to it
   */
  void removeBackend(String tenantId, String target) throws StoreException;

  /**
   * Sets how nodes secure their connection to a backend target (a security officer's write),
   * replacing its policy; part of the snapshot, so nodes rebuild the target's channel.
   */
  void setBackendTls(BackendTls policy) throws StoreException;

  /**
   * The target goes back to plaintext.
   *
   * @throws StoreNotFoundException if it has no policy
   */
  void removeBackendTls(String target) throws StoreException;

  /**
   * Registers an API on one of its tenant's domains, forwarding to one of its allowed backends.
   *
   * @throws StoreConflictException UNKNOWN_REFERENCE (no such tenant), NOT_ALLOWED (the domain
   *     or the backend is not allowed for the tenant, or mode NONE on a backend not allowed
   *     unauthenticated), DUPLICATE (API id; or the method is registered on that domain, or by a
   *     legacy API without a domain)
   * @throws io.keygate.gateway.model.InvalidValueException if it names no domain
   */
  void registerApi(ApiDefinition api) throws StoreException;

  /**
   * Replaces domain, method name, backend target, auth mode and pre-authentication limit of an
   * API of {@code api.tenantId()}; a legacy API (no domain) moves onto the domain named.
   *
   * @throws StoreNotFoundException if the tenant has no API with that id
   * @throws StoreConflictException NOT_ALLOWED or DUPLICATE as for {@link #registerApi}
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
   * Records when each credential last authenticated a call, all in one write. Not a config change:
   * no version bump, and a time never moves backwards (a slower node may report late). Unknown
   * keys are ignored. Either every time is recorded or, on a failure, none is.
   */
  void recordLastUses(Map<String, Instant> lastUses) throws StoreException;

  /** {@link #recordLastUses} for one credential. */
  default void recordLastUsed(String accessKey, Instant when) throws StoreException {
    recordLastUses(Map.of(accessKey, when));
  }

  // ---- reads ----

  /** Every tenant. Operator-level: not for calls authenticated as a tenant. */
  List<Tenant> tenants() throws StoreException;

  Optional<Tenant> tenant(String tenantId) throws StoreException;

  List<App> apps(String tenantId) throws StoreException;

  List<ApiDefinition> apis(String tenantId) throws StoreException;

  /** The domains security officers gave the tenant. */
  List<DomainAllowance> domains(String tenantId) throws StoreException;

  /** The backend targets security officers allowed the tenant's APIs. */
  List<BackendAllowance> backends(String tenantId) throws StoreException;

  /** Every backend's transport policy (cluster-wide, not a tenant's). */
  List<BackendTls> backendTls() throws StoreException;

  /** The tenant's credentials with up-to-date {@code lastUsed} (snapshots may lag on that). */
  List<Credential> credentials(String tenantId) throws StoreException;

  /**
   * The credentials, of any tenant, whose AccessSecret is the HSM key {@code label} (one, or none
   * for a key that is no credential's). For the admin plane: deciding whether a key may go.
   */
  List<Credential> credentialsWithSecret(KeyLabel label) throws StoreException;

  /**
   * Credentials of any tenant whose secret is wrapped under {@code kek}, in AccessKey order, the
   * first {@code limit} after {@code afterAccessKey} ("" for the start).
   */
  List<Credential> credentialsWrappedUnder(KekId kek, String afterAccessKey, int limit)
      throws StoreException;

  /**
   * Replaces a credential's wrapped secret if it still is {@code expected} (KEK rotation: the
   * same secret, wrapped under another KEK). Returns false, changing nothing, if it is not.
   */
  boolean replaceWrappedSecret(String accessKey, WrappedSecret expected, WrappedSecret replacement)
      throws StoreException;

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

  /**
   * What changed after {@code version}, up to the current version, as one consistent cut: a
   * snapshot at {@code version} with it {@link ConfigSnapshot#apply applied} equals a whole load.
   * Costs what changed, not the size of the store. Empty when the store cannot say (its change
   * feed does not reach back that far, the store is behind that version, or so much changed that
   * a whole load is as cheap): the caller then loads a whole snapshot.
   */
  Optional<ConfigDelta> changesSince(long version) throws StoreException;
}
