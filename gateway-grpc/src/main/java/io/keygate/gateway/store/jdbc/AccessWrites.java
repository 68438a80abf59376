package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.ApiDomain;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.CrossTenantAuthorization;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.model.IdRules;
import io.keygate.gateway.model.InvalidValueException;
import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreNotFoundException;
import io.keygate.gateway.store.StoreException;

import static io.keygate.gateway.store.StoreConflictException.Kind.DUPLICATE;
import static io.keygate.gateway.store.StoreConflictException.Kind.NOT_ALLOWED;
import static io.keygate.gateway.store.StoreConflictException.Kind.SAME_TENANT;
import static io.keygate.gateway.store.StoreConflictException.Kind.UNKNOWN_REFERENCE;
import static io.keygate.gateway.store.jdbc.SqlStatements.exists;
import static io.keygate.gateway.store.jdbc.SqlStatements.firstString;
import static io.keygate.gateway.store.jdbc.SqlStatements.strings;
import static io.keygate.gateway.store.jdbc.SqlStatements.update;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Objects;

/**
 * The writes that decide who may call what: APIs (only on the domains and backends a security
 * officer allowed their tenant, see {@link AllowanceWrites}), grants and cross-tenant
 * authorizations. Each is one transaction (see {@link JdbcTransactions#write}); every reference
 * is checked to lie in the tenant it must belong to before anything is inserted.
 */
final class AccessWrites {
  private final JdbcTransactions tx;
  private final Clock clock;

  AccessWrites(JdbcTransactions tx, Clock clock) {
    this.tx = tx;
    this.clock = clock;
  }

  void registerApi(ApiDefinition api) throws StoreException {
    ValidApi v = ValidApi.of(api);
    tx.write(
        "registerApi " + v.id,
        (c, changes) -> {
          changes.shared();
          JdbcConfigStore.requireTenant(c, v.tenantId);
          if (exists(c, "SELECT 1 FROM apis WHERE id = ?", v.id)) {
            throw new StoreConflictException(DUPLICATE, "API id " + v.id + " is taken");
          }
          requireAllowed(c, v);
          requireRouteFree(c, v);
          update(
              c,
              "INSERT INTO apis (id, tenant_id, domain_name, method_name, backend_target, auth_mode,"
                  + " preauth_max_message_bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              v.id,
              v.tenantId,
              v.domain,
              v.method,
              v.target,
              v.mode,
              v.preAuthLimit,
              clock.instant());
        });
  }

  /** Also moves a legacy API (no domain) onto a domain: an update always names one. */
  void updateApi(ApiDefinition api) throws StoreException {
    ValidApi v = ValidApi.of(api);
    tx.write(
        "updateApi " + v.id,
        (c, changes) -> {
          changes.shared();
          requireApi(c, v.tenantId, v.id);
          requireAllowed(c, v);
          requireRouteFree(c, v);
          update(
              c,
              "UPDATE apis SET domain_name = ?, method_name = ?, backend_target = ?, auth_mode = ?,"
                  + " preauth_max_message_bytes = ? WHERE id = ? AND tenant_id = ?",
              v.domain,
              v.method,
              v.target,
              v.mode,
              v.preAuthLimit,
              v.id,
              v.tenantId);
        });
  }

  /** An API write's values, checked before any SQL runs. */
  private record ValidApi(
      String id, String tenantId, String domain, String method, String target, AuthMode mode,
      Integer preAuthLimit) {
    static ValidApi of(ApiDefinition api) {
      if (api.domain() == null) {
        throw new InvalidValueException(
            "an API needs a domain (one a security officer allowed its tenant)");
      }
      int limit = api.preAuthMaxMessageBytes();
      if (limit < 0 || limit > ApiDefinition.MAX_PREAUTH_MESSAGE_BYTES) {
        throw new InvalidValueException("the pre-authentication message limit must be 0 (the"
            + " node's) to " + ApiDefinition.MAX_PREAUTH_MESSAGE_BYTES + " bytes");
      }
      return new ValidApi(
          IdRules.id("API id", api.id()),
          IdRules.id("tenant id", api.tenantId()),
          ApiDomain.domain(api.domain()),
          IdRules.methodName(api.methodName()),
          IdRules.backendTarget(api.backendTarget()),
          Objects.requireNonNull(api.authMode(), "auth mode"),
          limit == 0 ? null : limit);
    }
  }

  /** The officer's allowances for the API's tenant: its domain, its target, and NONE mode. */
  private static void requireAllowed(Connection c, ValidApi v)
      throws SQLException, StoreConflictException {
    if (!exists(c, "SELECT 1 FROM tenant_domains WHERE domain_name = ? AND tenant_id = ?",
        v.domain, v.tenantId)) {
      throw new StoreConflictException(NOT_ALLOWED,
          "domain " + v.domain + " is not allowed for tenant " + v.tenantId
              + " (a security officer allows domains)");
    }
    String unauthenticated = v.mode == AuthMode.NONE ? " AND allow_unauthenticated = ?" : "";
    Object[] params = v.mode == AuthMode.NONE
        ? new Object[] {v.tenantId, v.target, true}
        : new Object[] {v.tenantId, v.target};
    if (!exists(c, "SELECT 1 FROM tenant_backends WHERE tenant_id = ? AND backend_target = ?"
        + unauthenticated, params)) {
      throw new StoreConflictException(NOT_ALLOWED,
          "backend " + v.target + " is not allowed for tenant " + v.tenantId
              + (v.mode == AuthMode.NONE ? " without authentication" : "")
              + " (a security officer allows backends)");
    }
  }

  void removeApi(String tenantId, String apiId) throws StoreException {
    IdRules.id("tenant id", tenantId);
    IdRules.id("API id", apiId);
    tx.write(
        "removeApi " + apiId,
        (c, changes) -> {
          requireApi(c, tenantId, apiId);
          changes.shared();
          // Every app that loses a grant here: a node must drop those grants, or they would
          // come back to life on that node if the API id were registered again.
          for (String appId : strings(
              c, "SELECT app_id FROM grants WHERE api_id = ? AND tenant_id = ?", apiId, tenantId)) {
            changes.app(appId);
          }
          update(c, "DELETE FROM grants WHERE api_id = ? AND tenant_id = ?", apiId, tenantId);
          update(
              c,
              "DELETE FROM cross_tenant_authorization_apis WHERE api_id = ? AND grantor_tenant_id = ?",
              apiId,
              tenantId);
          update(c, "DELETE FROM apis WHERE id = ? AND tenant_id = ?", apiId, tenantId);
        });
  }

  void grant(Grant grant) throws StoreException {
    String tenantId = IdRules.id("tenant id", grant.tenantId());
    String appId = IdRules.id("app id", grant.appId());
    String apiId = IdRules.id("API id", grant.apiId());
    tx.write(
        "grant " + appId + " -> " + apiId,
        (c, changes) -> {
          changes.app(appId);
          // Both ends in the grant's tenant: calls across tenants need an authorization.
          JdbcConfigStore.requireApp(c, tenantId, appId);
          requireApiReference(c, tenantId, apiId);
          if (exists(c, "SELECT 1 FROM grants WHERE app_id = ? AND api_id = ?", appId, apiId)) {
            throw new StoreConflictException(
                DUPLICATE, "app " + appId + " is already granted API " + apiId);
          }
          update(
              c,
              "INSERT INTO grants (tenant_id, app_id, api_id, created_at) VALUES (?, ?, ?, ?)",
              tenantId,
              appId,
              apiId,
              clock.instant());
        });
  }

  void revokeGrant(Grant grant) throws StoreException {
    String tenantId = IdRules.id("tenant id", grant.tenantId());
    String appId = IdRules.id("app id", grant.appId());
    String apiId = IdRules.id("API id", grant.apiId());
    tx.write(
        "revokeGrant " + appId + " -> " + apiId,
        (c, changes) -> {
          changes.app(appId);
          int n =
              update(
                  c,
                  "DELETE FROM grants WHERE tenant_id = ? AND app_id = ? AND api_id = ?",
                  tenantId,
                  appId,
                  apiId);
          if (n == 0) {
            throw new StoreNotFoundException(
                "tenant " + tenantId + " has no grant of API " + apiId + " to app " + appId);
          }
        });
  }

  void authorize(CrossTenantAuthorization a) throws StoreException {
    String id = IdRules.id("authorization id", a.id());
    String grantor = IdRules.id("grantor tenant id", a.grantorTenantId());
    String granteeApp = IdRules.id("grantee app id", a.granteeAppId());
    Objects.requireNonNull(a.expiresAt(), "expiresAt");
    if (a.apiIds().isEmpty()) {
      throw new InvalidValueException("an authorization must name at least one API");
    }
    a.apiIds().forEach(apiId -> IdRules.id("API id", apiId));
    tx.write(
        "authorize " + id,
        (c, changes) -> {
          changes.shared();
          JdbcConfigStore.requireTenant(c, grantor);
          String granteeTenant = firstString(c, "SELECT tenant_id FROM apps WHERE id = ?", granteeApp);
          if (granteeTenant == null) {
            throw new StoreConflictException(UNKNOWN_REFERENCE, "unknown app " + granteeApp);
          }
          if (granteeTenant.equals(grantor)) {
            throw new StoreConflictException(
                SAME_TENANT,
                "app " + granteeApp + " belongs to tenant " + grantor + ": grant, do not authorize");
          }
          for (String apiId : a.apiIds()) {
            requireApiReference(c, grantor, apiId);
          }
          if (exists(c, "SELECT 1 FROM cross_tenant_authorizations WHERE id = ?", id)) {
            throw new StoreConflictException(DUPLICATE, "authorization id " + id + " is taken");
          }
          update(
              c,
              "INSERT INTO cross_tenant_authorizations (id, grantor_tenant_id, grantee_app_id,"
                  + " grantee_tenant_id, expires_at, revoked, created_at)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?)",
              id,
              grantor,
              granteeApp,
              granteeTenant,
              a.expiresAt(),
              a.revoked(),
              clock.instant());
          for (String apiId : a.apiIds()) {
            update(
                c,
                "INSERT INTO cross_tenant_authorization_apis"
                    + " (authorization_id, grantor_tenant_id, api_id) VALUES (?, ?, ?)",
                id,
                grantor,
                apiId);
          }
        });
  }

  void revokeAuthorization(String grantorTenantId, String authorizationId)
      throws StoreException {
    IdRules.id("grantor tenant id", grantorTenantId);
    IdRules.id("authorization id", authorizationId);
    tx.write(
        "revokeAuthorization " + authorizationId,
        (c, changes) -> {
          changes.shared();
          int n =
              update(
                  c,
                  "UPDATE cross_tenant_authorizations SET revoked = ?"
                      + " WHERE id = ? AND grantor_tenant_id = ?",
                  true,
                  authorizationId,
                  grantorTenantId);
          if (n == 0) {
            throw new StoreNotFoundException(
                "tenant " + grantorTenantId + " has no authorization " + authorizationId);
          }
        });
  }

  /** For updates and removals: an API the caller's tenant does not own is simply not found. */
  private static void requireApi(Connection c, String tenantId, String apiId)
      throws SQLException, StoreNotFoundException {
    if (!apiInTenant(c, tenantId, apiId)) {
      throw new StoreNotFoundException("tenant " + tenantId + " has no API " + apiId);
    }
  }

  /** For references from a new grant or authorization: the API must be the tenant's own. */
  private static void requireApiReference(Connection c, String tenantId, String apiId)
      throws SQLException, StoreConflictException {
    if (!apiInTenant(c, tenantId, apiId)) {
      throw new StoreConflictException(
          UNKNOWN_REFERENCE, "tenant " + tenantId + " has no API " + apiId);
    }
  }

  private static boolean apiInTenant(Connection c, String tenantId, String apiId)
      throws SQLException {
    return exists(c, "SELECT 1 FROM apis WHERE id = ? AND tenant_id = ?", apiId, tenantId);
  }

  /**
   * The route (domain, method) is taken by no other API, and no legacy API (no domain, found by
   * method name alone) has the method: a name a legacy API answers to stays unambiguous.
   */
  private static void requireRouteFree(Connection c, ValidApi v)
      throws SQLException, StoreConflictException {
    if (exists(c, "SELECT 1 FROM apis WHERE domain_name = ? AND method_name = ? AND id <> ?",
            v.domain, v.method, v.id)
        || exists(c, "SELECT 1 FROM apis WHERE domain_name IS NULL AND method_name = ? AND id <> ?",
            v.method, v.id)) {
      // Does not say which tenant has it: that would leak another tenant's API.
      throw new StoreConflictException(
          DUPLICATE, "method " + v.method + " is already registered on domain " + v.domain);
    }
  }
}
