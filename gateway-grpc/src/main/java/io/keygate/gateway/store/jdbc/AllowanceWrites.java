package io.keygate.gateway.store.jdbc;

import static io.keygate.gateway.store.StoreConflictException.Kind.DUPLICATE;
import static io.keygate.gateway.store.StoreConflictException.Kind.IN_USE;
import static io.keygate.gateway.store.jdbc.SqlStatements.exists;
import static io.keygate.gateway.store.jdbc.SqlStatements.update;

import io.keygate.gateway.model.ApiDomain;
import io.keygate.gateway.model.BackendAllowance;
import io.keygate.gateway.model.DomainAllowance;
import io.keygate.gateway.model.IdRules;
import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.store.StoreNotFoundException;
import java.time.Clock;

/**
 * The security officers' writes that bound what a tenant's APIs may be: the domains they are
 * served under and the backends they forward to. Each is one transaction; an allowance that APIs
 * still use cannot be removed or narrowed (the schema's foreign keys refuse it too).
 */
final class AllowanceWrites {
  private final JdbcTransactions tx;
  private final Clock clock;

  AllowanceWrites(JdbcTransactions tx, Clock clock) {
    this.tx = tx;
    this.clock = clock;
  }

  void allowDomain(DomainAllowance allowance) throws StoreException {
    String tenantId = IdRules.id("tenant id", allowance.tenantId());
    String domain = ApiDomain.domain(allowance.domain());
    tx.write(
        "allowDomain " + domain,
        (c, changes) -> {
          changes.noSnapshotEffect(); // allowances are checked on writes, not by nodes
          JdbcConfigStore.requireTenant(c, tenantId);
          if (exists(c, "SELECT 1 FROM tenant_domains WHERE domain_name = ?", domain)) {
            throw new StoreConflictException(
                DUPLICATE, "domain " + domain + " is already given to a tenant");
          }
          update(
              c,
              "INSERT INTO tenant_domains (domain_name, tenant_id, created_at) VALUES (?, ?, ?)",
              domain,
              tenantId,
              clock.instant());
        });
  }

  void removeDomain(String tenantId, String domain) throws StoreException {
    IdRules.id("tenant id", tenantId);
    ApiDomain.domain(domain);
    tx.write(
        "removeDomain " + domain,
        (c, changes) -> {
          changes.noSnapshotEffect(); // allowances are checked on writes, not by nodes
          if (!exists(c, "SELECT 1 FROM tenant_domains WHERE domain_name = ? AND tenant_id = ?",
              domain, tenantId)) {
            throw new StoreNotFoundException("tenant " + tenantId + " has no domain " + domain);
          }
          if (exists(c, "SELECT 1 FROM apis WHERE domain_name = ? AND tenant_id = ?",
              domain, tenantId)) {
            throw new StoreConflictException(
                IN_USE, "APIs of tenant " + tenantId + " are served under " + domain);
          }
          update(c, "DELETE FROM tenant_domains WHERE domain_name = ? AND tenant_id = ?",
              domain, tenantId);
        });
  }

  /** Adds the target, or changes whether it may be used unauthenticated. */
  void allowBackend(BackendAllowance allowance) throws StoreException {
    String tenantId = IdRules.id("tenant id", allowance.tenantId());
    String target = IdRules.backendTarget(allowance.target());
    boolean unauthenticated = allowance.allowUnauthenticated();
    tx.write(
        "allowBackend " + target,
        (c, changes) -> {
          changes.noSnapshotEffect(); // allowances are checked on writes, not by nodes
          JdbcConfigStore.requireTenant(c, tenantId);
          if (!exists(c, "SELECT 1 FROM tenant_backends WHERE tenant_id = ? AND backend_target = ?",
              tenantId, target)) {
            update(
                c,
                "INSERT INTO tenant_backends (tenant_id, backend_target, allow_unauthenticated,"
                    + " created_at) VALUES (?, ?, ?, ?)",
                tenantId,
                target,
                unauthenticated,
                clock.instant());
            return;
          }
          if (!unauthenticated && unauthenticatedApisOn(c, tenantId, target)) {
            throw new StoreConflictException(IN_USE,
                "APIs of tenant " + tenantId + " on " + target + " use auth mode NONE");
          }
          update(
              c,
              "UPDATE tenant_backends SET allow_unauthenticated = ?"
                  + " WHERE tenant_id = ? AND backend_target = ?",
              unauthenticated,
              tenantId,
              target);
        });
  }

  void removeBackend(String tenantId, String target) throws StoreException {
    IdRules.id("tenant id", tenantId);
    IdRules.backendTarget(target);
    tx.write(
        "removeBackend " + target,
        (c, changes) -> {
          changes.noSnapshotEffect(); // allowances are checked on writes, not by nodes
          if (!exists(c, "SELECT 1 FROM tenant_backends WHERE tenant_id = ? AND backend_target = ?",
              tenantId, target)) {
            throw new StoreNotFoundException("tenant " + tenantId + " has no backend " + target);
          }
          if (exists(c, "SELECT 1 FROM apis WHERE tenant_id = ? AND backend_target = ?",
              tenantId, target)) {
            throw new StoreConflictException(
                IN_USE, "APIs of tenant " + tenantId + " forward to " + target);
          }
          update(c, "DELETE FROM tenant_backends WHERE tenant_id = ? AND backend_target = ?",
              tenantId, target);
        });
  }

  private static boolean unauthenticatedApisOn(java.sql.Connection c, String tenantId,
      String target) throws java.sql.SQLException {
    return exists(c, "SELECT 1 FROM apis WHERE tenant_id = ? AND backend_target = ?"
        + " AND auth_mode = ?", tenantId, target, io.keygate.gateway.model.AuthMode.NONE);
  }
}
