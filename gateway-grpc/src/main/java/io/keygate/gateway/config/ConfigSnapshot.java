package io.keygate.gateway.config;

import io.keygate.gateway.model.BackendTarget;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.ApiDomain;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.model.CrossTenantAuthorization;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.model.Tenant;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable, indexed copy of the configuration: the only thing the hot path reads. Built from
 * the store and swapped atomically when the store changes; a failed reload keeps the last one.
 */
public final class ConfigSnapshot {
  private final long version;
  private final Map<String, Tenant> tenants = new HashMap<>();
  private final Map<String, App> apps = new HashMap<>();
  /** APIs on a domain, by domain then method: the routing table. */
  private final Map<String, Map<String, ApiDefinition>> apisByDomain = new HashMap<>();
  /** APIs stored before per-domain routing (no domain), by method alone. */
  private final Map<String, ApiDefinition> legacyApisByMethod = new HashMap<>();
  private final Map<String, ApiDefinition> apisById = new HashMap<>();
  /** Parsed once per snapshot, not per call; an API whose stored target does not parse is absent. */
  private final Map<String, BackendTarget> backendsByApiId = new HashMap<>();
  private final Map<String, Credential> credentials = new HashMap<>();
  private final Set<Grant> grants;
  private final Map<String, List<CrossTenantAuthorization>> authorizationsByGrantee = new HashMap<>();

  public ConfigSnapshot(
      long version,
      Collection<Tenant> tenants,
      Collection<App> apps,
      Collection<ApiDefinition> apis,
      Collection<Credential> credentials,
      Collection<Grant> grants,
      Collection<CrossTenantAuthorization> authorizations) {
    this.version = version;
    tenants.forEach(t -> this.tenants.put(t.id(), t));
    apps.forEach(a -> this.apps.put(a.id(), a));
    for (ApiDefinition api : apis) {
      if (api.legacy()) {
        legacyApisByMethod.put(api.methodName(), api);
      } else {
        apisByDomain.computeIfAbsent(api.domain(), d -> new HashMap<>()).put(api.methodName(), api);
      }
      apisById.put(api.id(), api);
      parseBackend(api.backendTarget()).ifPresent(b -> backendsByApiId.put(api.id(), b));
    }
    credentials.forEach(c -> this.credentials.put(c.accessKey(), c));
    this.grants = Set.copyOf(new HashSet<>(grants));
    for (CrossTenantAuthorization a : authorizations) {
      authorizationsByGrantee.computeIfAbsent(a.granteeAppId(), k -> new java.util.ArrayList<>()).add(a);
    }
  }

  public static ConfigSnapshot empty() {
    return new ConfigSnapshot(0, List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
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
    Map<String, ApiDefinition> onDomain = apisByDomain.get(ApiDomain.hostOf(authority));
    ApiDefinition api = onDomain == null ? null : onDomain.get(methodName);
    return Optional.ofNullable(api != null ? api : legacyApisByMethod.get(methodName));
  }

  /**
   * The parsed backend of an API of this snapshot; empty if its stored target is not a valid
   * {@link BackendTarget} (written before validation existed), so the call fails closed.
   */
  public Optional<BackendTarget> backendOf(ApiDefinition api) {
    return Optional.ofNullable(backendsByApiId.get(api.id()));
  }

  private static Optional<BackendTarget> parseBackend(String target) {
    try {
      return Optional.of(BackendTarget.parse(target));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  public Optional<ApiDefinition> api(String apiId) {
    return Optional.ofNullable(apisById.get(apiId));
  }

  public Optional<Credential> credential(String accessKey) {
    return Optional.ofNullable(credentials.get(accessKey));
  }

  public Optional<App> app(String appId) {
    return Optional.ofNullable(apps.get(appId));
  }

  public Optional<Tenant> tenant(String tenantId) {
    return Optional.ofNullable(tenants.get(tenantId));
  }

  public boolean hasGrant(String tenantId, String appId, String apiId) {
    return grants.contains(new Grant(tenantId, appId, apiId));
  }

  public List<CrossTenantAuthorization> authorizationsFor(String granteeAppId) {
    return List.copyOf(authorizationsByGrantee.getOrDefault(granteeAppId, List.of()));
  }

  /** Every backend target any API points at (for pre-warming channels). */
  public Set<String> backendTargets() {
    Set<String> out = new HashSet<>();
    apisById.values().forEach(a -> out.add(a.backendTarget()));
    return out;
  }
}
