package io.keygate.gateway.config;

import io.keygate.gateway.model.BackendTarget;
import io.keygate.gateway.model.BackendTls;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.ApiDomain;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.model.CrossTenantAuthorization;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.model.SignatureRequirement;
import io.keygate.gateway.model.SignatureRequirements;
import io.keygate.gateway.model.Tenant;
import io.keygate.gateway.payload.ApiPayloadKeys;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable, indexed copy of the configuration: the only thing the hot path reads. Built whole
 * from the store at start, then moved forward by {@link #apply}ing each {@link ConfigDelta} the
 * change feed gives (or rebuilt whole when a node fell too far behind), and swapped atomically;
 * a failed reload keeps the last one.
 *
 * <p>Credentials, apps and grants, which may number in the millions, live in {@link LayeredMap}s,
 * so a delta copies only what changed; tenants, APIs and authorizations are few and are
 * replaced whole when any of them changes.
 */
public final class ConfigSnapshot {
  private final long version;
  private final SharedIndex shared;
  private final LayeredMap<String, App> apps;
  private final LayeredMap<String, Credential> credentials;
  /** Grants by app id. */
  private final LayeredMap<String, Set<Grant>> grants;

  public ConfigSnapshot(
      long version,
      Collection<Tenant> tenants,
      Collection<App> apps,
      Collection<ApiDefinition> apis,
      Collection<Credential> credentials,
      Collection<Grant> grants,
      Collection<CrossTenantAuthorization> authorizations) {
    this(version, tenants, apps, apis, credentials, grants, authorizations, List.of(), Map.of());
  }

  /** @param backendTls the officers' transport policies; a target without one is plaintext */
  public ConfigSnapshot(
      long version,
      Collection<Tenant> tenants,
      Collection<App> apps,
      Collection<ApiDefinition> apis,
      Collection<Credential> credentials,
      Collection<Grant> grants,
      Collection<CrossTenantAuthorization> authorizations,
      Collection<BackendTls> backendTls) {
    this(version, tenants, apps, apis, credentials, grants, authorizations, backendTls, Map.of());
  }

  /** @param payloads each API's payload policy and rings by API id; absent: none */
  public ConfigSnapshot(
      long version,
      Collection<Tenant> tenants,
      Collection<App> apps,
      Collection<ApiDefinition> apis,
      Collection<Credential> credentials,
      Collection<Grant> grants,
      Collection<CrossTenantAuthorization> authorizations,
      Map<String, ApiPayloadKeys> payloads) {
    this(version, tenants, apps, apis, credentials, grants, authorizations, List.of(), payloads);
  }

  /**
   * @param backendTls the officers' transport policies; a target without one is plaintext
   * @param payloads each API's payload policy and rings by API id; absent: none
   */
  public ConfigSnapshot(
      long version,
      Collection<Tenant> tenants,
      Collection<App> apps,
      Collection<ApiDefinition> apis,
      Collection<Credential> credentials,
      Collection<Grant> grants,
      Collection<CrossTenantAuthorization> authorizations,
      Collection<BackendTls> backendTls,
      Map<String, ApiPayloadKeys> payloads) {
    this(version, tenants, apps, apis, credentials, grants, authorizations, backendTls, payloads,
        SignatureRequirements.NONE);
  }

  /**
   * @param backendTls the officers' transport policies; a target without one is plaintext
   * @param payloads each API's payload policy and rings by API id; absent: none
   * @param signatures the tenants' and APIs' signature version requirements (schema V15)
   */
  public ConfigSnapshot(
      long version,
      Collection<Tenant> tenants,
      Collection<App> apps,
      Collection<ApiDefinition> apis,
      Collection<Credential> credentials,
      Collection<Grant> grants,
      Collection<CrossTenantAuthorization> authorizations,
      Collection<BackendTls> backendTls,
      Map<String, ApiPayloadKeys> payloads,
      SignatureRequirements signatures) {
    this.version = version;
    this.shared = new SharedIndex(tenants, apis, authorizations, backendTls, payloads, signatures);
    Map<String, App> appsById = new HashMap<>();
    apps.forEach(a -> appsById.put(a.id(), a));
    this.apps = LayeredMap.over(appsById);
    Map<String, Credential> byKey = new HashMap<>();
    credentials.forEach(c -> byKey.put(c.accessKey(), c));
    this.credentials = LayeredMap.over(byKey);
    Map<String, Set<Grant>> byApp = new HashMap<>();
    grants.forEach(g -> byApp.computeIfAbsent(g.appId(), k -> new HashSet<>()).add(g));
    byApp.replaceAll((app, set) -> Set.copyOf(set));
    this.grants = LayeredMap.over(byApp);
  }

  private ConfigSnapshot(
      long version,
      SharedIndex shared,
      LayeredMap<String, App> apps,
      LayeredMap<String, Credential> credentials,
      LayeredMap<String, Set<Grant>> grants) {
    this.version = version;
    this.shared = shared;
    this.apps = apps;
    this.credentials = credentials;
    this.grants = grants;
  }

  public static ConfigSnapshot empty() {
    return new ConfigSnapshot(0, List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
  }

  /**
   * This snapshot moved forward by {@code delta}, which must start at this snapshot's version.
   * Costs what the delta names, not the size of the configuration.
   *
   * @throws IllegalArgumentException if the delta starts at another version
   */
  public ConfigSnapshot apply(ConfigDelta delta) {
    if (delta.fromVersion() != version) {
      throw new IllegalArgumentException(
          "delta from version " + delta.fromVersion() + " applied to version " + version);
    }
    Map<String, Optional<App>> appChanges = new HashMap<>();
    Map<String, Optional<Set<Grant>>> grantChanges = new HashMap<>();
    delta.apps().forEach((id, state) -> {
      appChanges.put(id, state.app());
      grantChanges.put(id, state.grants().isEmpty() ? Optional.empty() : Optional.of(state.grants()));
    });
    return new ConfigSnapshot(
        delta.toVersion(),
        delta.shared()
            .map(s -> new SharedIndex(s.tenants(), s.apis(), s.authorizations(),
                s.backendTls(), s.payloads(), s.signatures()))
            .orElse(shared),
        apps.with(appChanges),
        credentials.with(delta.credentials()),
        grants.with(grantChanges));
  }

  /** The API's payload policy and key rings (schema V13); {@link ApiPayloadKeys#NONE} if unset. */
  public ApiPayloadKeys payload(String apiId) {
    return shared.payloads.getOrDefault(apiId, ApiPayloadKeys.NONE);
  }

  /**
   * The signature versions calls of the API must use (schema V15): the stricter of its own
   * requirement and its tenant's default.
   */
  public SignatureRequirement signatureRequirement(ApiDefinition api) {
    return shared.signatures.inForce(api);
  }

  /** The tenants' and APIs' signature requirements as stored (schema V15). */
  public SignatureRequirements signatureRequirements() {
    return shared.signatures;
  }

  /** How many credentials it holds (for metrics). */
  public int credentialCount() {
    return credentials.size();
  }

  /** Increases with every change in the store. */
  public long version() {
    return version;
  }

  /**
   * The API a call reaches: the one registered for {@code methodName} on the domain the call was
   * sent to (the host of its {@code :authority}, see {@link ApiDomain#hostOf}); failing that, a
   * legacy API (stored before per-domain routing) with that method. The store keeps a legacy
   * API's method name off every domain, so at most one API can match.
   *
   * @param authority the call's {@code :authority}, as received (signed, in signature mode)
   * @param methodName the full method name, {@code pkg.Service/Method}
   */
  public Optional<ApiDefinition> route(String authority, String methodName) {
    return shared.route(authority, methodName);
  }

  /**
   * The parsed backend of an API of this snapshot; empty if its stored target is not a valid
   * {@link BackendTarget} (written before validation existed), so the call fails closed.
   */
  public Optional<BackendTarget> backendOf(ApiDefinition api) {
    return Optional.ofNullable(shared.backendsByApiId.get(api.id()));
  }

  private static Optional<BackendTarget> parseBackend(String target) {
    try {
      return Optional.of(BackendTarget.parse(target));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * How nodes secure their connection to {@code target}: the officer's policy; empty when it has
   * none (plaintext). Read on every call: a map look-up.
   */
  public Optional<BackendTls> backendTls(BackendTarget target) {
    return Optional.ofNullable(shared.backendTls.get(target));
  }

  public Optional<ApiDefinition> api(String apiId) {
    return Optional.ofNullable(shared.apisById.get(apiId));
  }

  public Optional<Credential> credential(String accessKey) {
    return Optional.ofNullable(credentials.get(accessKey));
  }

  public Optional<App> app(String appId) {
    return Optional.ofNullable(apps.get(appId));
  }

  public Optional<Tenant> tenant(String tenantId) {
    return Optional.ofNullable(shared.tenants.get(tenantId));
  }

  public boolean hasGrant(String tenantId, String appId, String apiId) {
    Set<Grant> ofApp = grants.get(appId);
    return ofApp != null && ofApp.contains(new Grant(tenantId, appId, apiId));
  }

  public List<CrossTenantAuthorization> authorizationsFor(String granteeAppId) {
    return shared.authorizationsByGrantee.getOrDefault(granteeAppId, List.of());
  }

  /** Every backend target any API points at (for pre-warming channels). */
  public Set<String> backendTargets() {
    Set<String> out = new HashSet<>();
    shared.apisById.values().forEach(a -> out.add(a.backendTarget()));
    return out;
  }

  /** Tenants, APIs and authorizations, indexed; few, so rebuilt whole when any changes. */
  private static final class SharedIndex {
    private final Map<String, Tenant> tenants = new HashMap<>();
    /** APIs on a domain, by domain then method: the routing table. */
    private final Map<String, Map<String, ApiDefinition>> apisByDomain = new HashMap<>();
    /** APIs stored before per-domain routing (no domain), by method alone. */
    private final Map<String, ApiDefinition> legacyApisByMethod = new HashMap<>();
    private final Map<String, ApiDefinition> apisById = new HashMap<>();
    /** Parsed once, not per call; an API whose stored target does not parse is absent. */
    private final Map<String, BackendTarget> backendsByApiId = new HashMap<>();
    private final Map<String, List<CrossTenantAuthorization>> authorizationsByGrantee =
        new HashMap<>();
    private final Map<BackendTarget, BackendTls> backendTls = new HashMap<>();
    private final Map<String, ApiPayloadKeys> payloads;
    private final SignatureRequirements signatures;

    SharedIndex(
        Collection<Tenant> tenants,
        Collection<ApiDefinition> apis,
        Collection<CrossTenantAuthorization> authorizations,
        Collection<BackendTls> backendTls,
        Map<String, ApiPayloadKeys> payloads,
        SignatureRequirements signatures) {
      backendTls.forEach(p -> this.backendTls.put(p.backendTarget(), p));
      this.payloads = Map.copyOf(payloads);
      this.signatures = java.util.Objects.requireNonNull(signatures, "signatures");
      tenants.forEach(t -> this.tenants.put(t.id(), t));
      for (ApiDefinition api : apis) {
        if (api.legacy()) {
          legacyApisByMethod.put(api.methodName(), api);
        } else {
          apisByDomain.computeIfAbsent(api.domain(), d -> new HashMap<>()).put(api.methodName(), api);
        }
        apisById.put(api.id(), api);
        parseBackend(api.backendTarget()).ifPresent(b -> backendsByApiId.put(api.id(), b));
      }
      Map<String, List<CrossTenantAuthorization>> byGrantee = new HashMap<>();
      for (CrossTenantAuthorization a : authorizations) {
        byGrantee.computeIfAbsent(a.granteeAppId(), k -> new ArrayList<>()).add(a);
      }
      byGrantee.forEach((app, list) -> authorizationsByGrantee.put(app, List.copyOf(list)));
    }

    Optional<ApiDefinition> route(String authority, String methodName) {
      Map<String, ApiDefinition> onDomain = apisByDomain.get(ApiDomain.hostOf(authority));
      ApiDefinition api = onDomain == null ? null : onDomain.get(methodName);
      return Optional.ofNullable(api != null ? api : legacyApisByMethod.get(methodName));
    }
  }
}
