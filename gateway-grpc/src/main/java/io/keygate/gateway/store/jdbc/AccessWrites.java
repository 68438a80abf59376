package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.CrossTenantAuthorization;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.model.IdRules;
import io.keygate.gateway.model.InvalidValueException;
import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreNotFoundException;
import io.keygate.gateway.store.StoreException;

import static io.keygate.gateway.store.StoreConflictException.Kind.DUPLICATE;
import static io.keygate.gateway.store.StoreConflictException.Kind.SAME_TENANT;
import static io.keygate.gateway.store.StoreConflictException.Kind.UNKNOWN_REFERENCE;
import static io.keygate.gateway.store.jdbc.SqlStatements.exists;
import static io.keygate.gateway.store.jdbc.SqlStatements.firstString;
import static io.keygate.gateway.store.jdbc.SqlStatements.update;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Objects;

/**
 * The writes that decide who may call what: APIs, grants and cross-tenant authorizations. Each is
 * one transaction (see {@link JdbcTransactions#write}); every reference is checked to lie in the
 * tenant it must belong to before anything is inserted.
 */
final class AccessWrites {
  private final JdbcTransactions tx;
  private final Clock clock;

  AccessWrites(JdbcTransactions tx, Clock clock) {
    this.tx = tx;
    this.clock = clock;
  }

  void registerApi(ApiDefinition api) throws StoreException {
    String id = IdRules.id("API id", api.id());
    String tenantId = IdRules.id("tenant id", api.tenantId());
    String method = IdRules.methodName(api.methodName());
    String target = IdRules.backendTarget(api.backendTarget());
    AuthMode mode = Objects.requireNonNull(api.authMode(), "auth mode");
    tx.write(
        "registerApi " + id,
        c -> {
          JdbcConfigStore.requireTenant(c, tenantId);
          if (exists(c, "SELECT 1 FROM apis WHERE id = ?", id)) {
            throw new StoreConflictException(DUPLICATE, "API id " + id + " is taken");
          }
          requireMethodFree(c, method, id);
          update(
              c,
              "INSERT INTO apis (id, tenant_id, method_name, backend_target, auth_mode, created_at)"
                  + " VALUES (?, ?, ?, ?, ?, ?)",
              id,
              tenantId,
              method,
              target,
              mode,
              clock.instant());
        });
  }

  void updateApi(ApiDefinition api) throws StoreException {
    String id = IdRules.id("API id", api.id());
    String tenantId = IdRules.id("tenant id", api.tenantId());
    String method = IdRules.methodName(api.methodName());
    String target = IdRules.backendTarget(api.backendTarget());
    AuthMode mode = Objects.requireNonNull(api.authMode(), "auth mode");
    tx.write(
        "updateApi " + id,
        c -> {
          requireApi(c, tenantId, id);
          requireMethodFree(c, method, id);
          update(
              c,
              "UPDATE apis SET method_name = ?, backend_target = ?, auth_mode = ?"
                  + " WHERE id = ? AND tenant_id = ?",
              method,
              target,
              mode,
              id,
              tenantId);
        });
  }

  void removeApi(String tenantId, String apiId) throws StoreException {
    IdRules.id("tenant id", tenantId);
    IdRules.id("API id", apiId);
    tx.write(
        "removeApi " + apiId,
        c -> {
          requireApi(c, tenantId, apiId);
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
        c -> {
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
        c -> {
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
        c -> {
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
        c -> {
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

  private static void requireMethodFree(Connection c, String method, String apiId)
      throws SQLException, StoreConflictException {
    // Does not say which tenant has it: that would leak another tenant's API.
    if (exists(c, "SELECT 1 FROM apis WHERE method_name = ? AND id <> ?", method, apiId)) {
      throw new StoreConflictException(
          DUPLICATE, "method " + method + " is already registered (method names are unique)");
    }
  }
}
