package io.keygate.gateway.config;

import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.BackendTls;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.model.CrossTenantAuthorization;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.model.SignatureRequirements;
import io.keygate.gateway.model.Tenant;
import io.keygate.gateway.payload.ApiPayloadKeys;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What changed in the store between two versions, as the rows now stand: a snapshot at
 * {@code fromVersion} with this applied ({@link ConfigSnapshot#apply}) equals a snapshot loaded
 * whole at {@code toVersion}. Read by {@link ConfigStore#changesSince} from the change feed.
 *
 * @param credentials each changed credential by access key; empty if it no longer exists
 * @param apps each changed app by id, with its row (empty if gone) and all its grants now
 * @param shared tenants, APIs, cross-tenant authorizations and backend TLS policies, whole, if
 *     any of them changed
 */
public record ConfigDelta(
    long fromVersion,
    long toVersion,
    Map<String, Optional<Credential>> credentials,
    Map<String, AppState> apps,
    Optional<Shared> shared) {

  public ConfigDelta {
    if (toVersion < fromVersion) {
      throw new IllegalArgumentException("a delta goes forward: " + fromVersion + " > " + toVersion);
    }
    credentials = Map.copyOf(credentials);
    apps = Map.copyOf(apps);
    Objects.requireNonNull(shared, "shared");
  }

  /** An app as it now stands: its row, if it still exists, and every grant it holds. */
  public record AppState(Optional<App> app, Set<Grant> grants) {
    public AppState {
      Objects.requireNonNull(app, "app");
      grants = Set.copyOf(grants);
    }
  }

  /**
   * The small part of the configuration, reread whole when any of it changes; {@code backendTls}:
   * the officers' transport policies for backends (schema V12); {@code payloads}: each API's
   * payload policy and rings by API id (schema V13), absent for none; {@code signatures}: the
   * tenants' and APIs' signature version requirements (schema V15).
   */
  public record Shared(
      List<Tenant> tenants,
      List<ApiDefinition> apis,
      List<CrossTenantAuthorization> authorizations,
      List<BackendTls> backendTls,
      Map<String, ApiPayloadKeys> payloads,
      SignatureRequirements signatures) {
    public Shared {
      tenants = List.copyOf(tenants);
      apis = List.copyOf(apis);
      authorizations = List.copyOf(authorizations);
      backendTls = List.copyOf(backendTls);
      payloads = Map.copyOf(payloads);
      Objects.requireNonNull(signatures, "signatures");
    }

    /** Without signature requirements (every API accepts version 1 or 2). */
    public Shared(
        List<Tenant> tenants,
        List<ApiDefinition> apis,
        List<CrossTenantAuthorization> authorizations,
        List<BackendTls> backendTls,
        Map<String, ApiPayloadKeys> payloads) {
      this(tenants, apis, authorizations, backendTls, payloads, SignatureRequirements.NONE);
    }

    /** Without backend TLS policies (every backend plaintext) or payload settings (none). */
    public Shared(
        List<Tenant> tenants, List<ApiDefinition> apis, List<CrossTenantAuthorization> authorizations) {
      this(tenants, apis, authorizations, List.of(), Map.of());
    }

    /** Without payload settings (every API: none). */
    public Shared(
        List<Tenant> tenants,
        List<ApiDefinition> apis,
        List<CrossTenantAuthorization> authorizations,
        List<BackendTls> backendTls) {
      this(tenants, apis, authorizations, backendTls, Map.of());
    }

    /** Without backend TLS policies (every backend plaintext). */
    public Shared(
        List<Tenant> tenants,
        List<ApiDefinition> apis,
        List<CrossTenantAuthorization> authorizations,
        Map<String, ApiPayloadKeys> payloads) {
      this(tenants, apis, authorizations, List.of(), payloads);
    }
  }

  /** How many objects it names (for logs and metrics). */
  public int size() {
    return credentials.size() + apps.size() + (shared.isPresent() ? 1 : 0);
  }
}
