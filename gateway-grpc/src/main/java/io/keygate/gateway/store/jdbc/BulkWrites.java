package io.keygate.gateway.store.jdbc;

import static io.keygate.gateway.store.StoreConflictException.Kind.DUPLICATE;
import static io.keygate.gateway.store.StoreConflictException.Kind.UNKNOWN_REFERENCE;
import static io.keygate.gateway.store.jdbc.SqlStatements.NULL_TEXT;
import static io.keygate.gateway.store.jdbc.SqlStatements.exists;

import io.keygate.gateway.model.App;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.model.IdRules;
import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Bulk provisioning (issue 11): many apps of one tenant, each with its credentials and grants, in
 * one transaction with one version bump. The checks are the single-row writes' checks, made once
 * per batch with IN lists and the rows written with JDBC batches, so 10,000 apps are one round
 * trip per few hundred rows rather than several per app.
 */
final class BulkWrites {
  private final JdbcTransactions tx;
  private final Clock clock;

  BulkWrites(JdbcTransactions tx, Clock clock) {
    this.tx = tx;
    this.clock = clock;
  }

  void createAppsWithCredentials(String tenantId, List<App> apps, List<Credential> credentials,
      List<String> grantedApiIds) throws StoreException {
    String tenant = IdRules.id("tenant id", tenantId);
    Set<String> appIds = new LinkedHashSet<>();
    for (App app : apps) {
      IdRules.id("app id", app.id());
      IdRules.name("app name", app.name());
      if (!tenant.equals(app.tenantId())) {
        throw new StoreConflictException(UNKNOWN_REFERENCE, "app " + app.id() + " is not of "
            + tenant);
      }
      if (!appIds.add(app.id())) {
        throw new StoreConflictException(DUPLICATE, "app id " + app.id() + " is twice in the batch");
      }
    }
    Set<String> accessKeys = new LinkedHashSet<>();
    for (Credential k : credentials) {
      IdRules.id("access key", k.accessKey());
      Objects.requireNonNull(k.secretLabel(), "secret label");
      if (!tenant.equals(k.tenantId()) || !appIds.contains(k.appId())) {
        throw new StoreConflictException(UNKNOWN_REFERENCE,
            "credential " + k.accessKey() + " is not of an app of the batch");
      }
      if (!accessKeys.add(k.accessKey())) {
        throw new StoreConflictException(DUPLICATE,
            "access key " + k.accessKey() + " is twice in the batch");
      }
    }
    Set<String> apis = new LinkedHashSet<>();
    for (String api : grantedApiIds) {
      apis.add(IdRules.id("API id", api));
    }
    Instant now = clock.instant();
    tx.write("createAppsWithCredentials " + tenant + " count=" + apps.size(), (c, changes) -> {
      appIds.forEach(changes::app);
      accessKeys.forEach(changes::credential);
      JdbcConfigStore.requireTenant(c, tenant);
      for (String api : apis) {
        // Only the tenant's own APIs: calls across tenants need an authorization.
        if (!exists(c, "SELECT 1 FROM apis WHERE id = ? AND tenant_id = ?", api, tenant)) {
          throw new StoreConflictException(UNKNOWN_REFERENCE, "tenant " + tenant + " has no API "
              + api);
        }
      }
      String taken = firstTaken(c, "SELECT id FROM apps WHERE id IN ", appIds);
      if (taken != null) {
        throw new StoreConflictException(DUPLICATE, "app id " + taken + " is taken");
      }
      taken = firstTaken(c, "SELECT access_key FROM credentials WHERE access_key IN ", accessKeys);
      if (taken != null) {
        throw new StoreConflictException(DUPLICATE, "access key " + taken + " is taken");
      }
      List<Object[]> rows = new ArrayList<>(apps.size());
      for (App app : apps) {
        rows.add(new Object[] {app.id(), tenant, app.name(), now});
      }
      SqlStatements.batch(c,
          "INSERT INTO apps (id, tenant_id, name, created_at) VALUES (?, ?, ?, ?)", rows);
      rows.clear();
      for (Credential k : credentials) {
        rows.add(new Object[] {k.accessKey(), k.appId(), tenant, k.secretLabel().value(),
            k.notAfter(), k.revoked(), k.lastUsed(), now,
            k.isWrapped() ? k.wrapped().kek().value() : NULL_TEXT,
            k.isWrapped() ? k.wrapped().encoded() : NULL_TEXT});
      }
      SqlStatements.batch(c,
          "INSERT INTO credentials (access_key, app_id, tenant_id, secret_label, not_after,"
              + " revoked, last_used, created_at, kek_id, wrapped_secret)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows);
      rows.clear();
      for (App app : apps) {
        for (String api : apis) {
          rows.add(new Object[] {tenant, app.id(), api, now});
        }
      }
      SqlStatements.batch(c,
          "INSERT INTO grants (tenant_id, app_id, api_id, created_at) VALUES (?, ?, ?, ?)", rows);
    });
  }

  /** The first of {@code ids} that the query (ending in "IN ") finds, or null. */
  private static String firstTaken(Connection c, String query, Set<String> ids)
      throws SQLException {
    String[] found = {null};
    SqlStatements.eachRowIn(c, query, ids, rs -> {
      found[0] = rs.getString(1);
      return false;
    });
    return found[0];
  }

}
