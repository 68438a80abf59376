package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.BackendAllowance;
import io.keygate.gateway.model.DomainAllowance;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.model.CrossTenantAuthorization;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.model.IdRules;
import io.keygate.gateway.model.Tenant;

import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.WrappedSecret;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads config rows into model objects, either all of them (for snapshots) or one tenant's. The
 * tenant filter is part of each statement, never applied afterwards in Java, so a tenant-scoped
 * read cannot return another tenant's row even by mistake in the caller.
 */
final class ConfigRows {
  /**
   * Which rows: {@link #all()} or those of one tenant. One scope serves one read: it also keeps
   * one instance of each id the read's rows repeat (tenant, app, API and KEK ids), so that a
   * million rows naming the same tenant share one string instead of holding a copy each, and a
   * credential, its app and its grant share the app's id.
   */
  static final class Scope {
    private final String tenantId;
    private final Map<String, String> ids = new HashMap<>();

    private Scope(String tenantId) {
      this.tenantId = tenantId;
    }

    static Scope all() {
      return new Scope(null);
    }

    static Scope tenant(String tenantId) {
      return new Scope(IdRules.id("tenant id", tenantId));
    }

    /** The one instance of this id in this read (null stays null). */
    String id(String value) {
      if (value == null) {
        return null;
      }
      String first = ids.putIfAbsent(value, value);
      return first == null ? value : first;
    }
  }

  @FunctionalInterface
  private interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private ConfigRows() {}

  static List<Tenant> tenants(Connection c, Scope scope) throws SQLException {
    return list(
        c,
        "SELECT id, name FROM tenants" + where("id", scope) + " ORDER BY id",
        scope,
        rs -> new Tenant(rs.getString(1), rs.getString(2)));
  }

  static List<App> apps(Connection c, Scope scope) throws SQLException {
    return list(
        c,
        "SELECT id, tenant_id, name FROM apps" + where("tenant_id", scope) + " ORDER BY id",
        scope,
        rs -> new App(scope.id(rs.getString(1)), scope.id(rs.getString(2)), rs.getString(3)));
  }

  static List<ApiDefinition> apis(Connection c, Scope scope) throws SQLException {
    return list(
        c,
        "SELECT id, tenant_id, domain_name, method_name, backend_target, auth_mode,"
            + " preauth_max_message_bytes FROM apis"
            + where("tenant_id", scope)
            + " ORDER BY id",
        scope,
        rs ->
            new ApiDefinition(
                scope.id(rs.getString(1)),
                scope.id(rs.getString(2)),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                AuthMode.valueOf(rs.getString(6)),
                rs.getInt(7)));
  }

  static List<DomainAllowance> domains(Connection c, Scope scope) throws SQLException {
    return list(
        c,
        "SELECT tenant_id, domain_name FROM tenant_domains"
            + where("tenant_id", scope)
            + " ORDER BY domain_name",
        scope,
        rs -> new DomainAllowance(rs.getString(1), rs.getString(2)));
  }

  static List<BackendAllowance> backends(Connection c, Scope scope) throws SQLException {
    return list(
        c,
        "SELECT tenant_id, backend_target, allow_unauthenticated FROM tenant_backends"
            + where("tenant_id", scope)
            + " ORDER BY tenant_id, backend_target",
        scope,
        rs -> new BackendAllowance(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
  }

  private static final String CREDENTIAL_COLUMNS =
      "SELECT access_key, app_id, tenant_id, secret_label, not_after, revoked, last_used,"
          + " kek_id, wrapped_secret FROM credentials";

  static List<Credential> credentials(Connection c, Scope scope) throws SQLException {
    return list(
        c,
        CREDENTIAL_COLUMNS + where("tenant_id", scope) + " ORDER BY access_key",
        scope,
        rs -> credential(rs, scope));
  }

  /** The credentials (of any tenant) whose secret is the HSM key {@code label}: one, or none. */
  static List<Credential> credentialsWithSecret(Connection c, KeyLabel label)
      throws SQLException {
    List<Credential> out = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(
        CREDENTIAL_COLUMNS + " WHERE secret_label = ? ORDER BY access_key")) {
      s.setString(1, label.value());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(credential(rs, Scope.all()));
        }
      }
    }
    return out;
  }

  /** Up to {@code limit} credentials wrapped under {@code kek} after {@code after}, in key order. */
  static List<Credential> credentialsWrappedUnder(Connection c, KekId kek, String after,
      int limit) throws SQLException {
    List<Credential> out = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(
        CREDENTIAL_COLUMNS + " WHERE kek_id = ? AND access_key > ? ORDER BY access_key")) {
      s.setString(1, kek.value());
      s.setString(2, after);
      s.setMaxRows(limit);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next() && out.size() < limit) {
          out.add(credential(rs, Scope.all()));
        }
      }
    }
    return out;
  }

  /** Rows a driver fetches at a time while a read streams them. */
  private static final int FETCH_SIZE = 2_000;

  /** The credentials with these access keys, of any tenant (keys with no row are absent). */
  static List<Credential> credentialsWithKeys(
      Connection c, Collection<String> accessKeys, Scope scope) throws SQLException {
    return listIn(c, CREDENTIAL_COLUMNS + " WHERE access_key IN ", accessKeys,
        rs -> credential(rs, scope));
  }

  /** The apps with these ids, of any tenant. */
  static List<App> appsWithIds(Connection c, Collection<String> appIds, Scope scope)
      throws SQLException {
    return listIn(c, "SELECT id, tenant_id, name FROM apps WHERE id IN ", appIds,
        rs -> new App(scope.id(rs.getString(1)), scope.id(rs.getString(2)), rs.getString(3)));
  }

  /** Every grant to these apps. */
  static List<Grant> grantsOfApps(Connection c, Collection<String> appIds, Scope scope)
      throws SQLException {
    return listIn(c, "SELECT tenant_id, app_id, api_id FROM grants WHERE app_id IN ", appIds,
        rs -> new Grant(scope.id(rs.getString(1)), scope.id(rs.getString(2)),
            scope.id(rs.getString(3))));
  }

  private static <T> List<T> listIn(
      Connection c, String sqlBeforeList, Collection<String> ids, RowMapper<T> mapper)
      throws SQLException {
    List<T> out = new ArrayList<>();
    SqlStatements.eachRowIn(c, sqlBeforeList, ids, rs -> out.add(mapper.map(rs)));
    return out;
  }


  private static Credential credential(ResultSet rs, Scope scope) throws SQLException {
    return
        new Credential(
            rs.getString(1),
            scope.id(rs.getString(2)),
            scope.id(rs.getString(3)),
            KeyLabel.of(rs.getString(4)),
            instantOrNull(rs, 5),
            rs.getBoolean(6),
            instantOrNull(rs, 7),
            wrappedOrNull(scope.id(rs.getString(8)), rs.getString(9)));
  }

  private static WrappedSecret wrappedOrNull(String kek, String blob) {
    return kek == null || blob == null ? null : WrappedSecret.decode(KekId.of(kek), blob);
  }

  static List<Grant> grants(Connection c, Scope scope) throws SQLException {
    return list(
        c,
        "SELECT tenant_id, app_id, api_id FROM grants"
            + where("tenant_id", scope)
            + " ORDER BY app_id, api_id",
        scope,
        rs -> new Grant(scope.id(rs.getString(1)), scope.id(rs.getString(2)),
            scope.id(rs.getString(3))));
  }

  /** Authorizations granted by the scope's tenant (all of them for {@link Scope#all()}). */
  static List<CrossTenantAuthorization> authorizationsGranted(Connection c, Scope scope)
      throws SQLException {
    return authorizations(c, "a.grantor_tenant_id", scope);
  }

  /** Authorizations whose grantee app belongs to the scope's tenant. */
  static List<CrossTenantAuthorization> authorizationsReceived(Connection c, Scope scope)
      throws SQLException {
    return authorizations(c, "a.grantee_tenant_id", scope);
  }

  /** One statement (a join), so an authorization never comes back without its API ids. */
  private static List<CrossTenantAuthorization> authorizations(
      Connection c, String tenantColumn, Scope scope) throws SQLException {
    String sql =
        "SELECT a.id, a.grantor_tenant_id, a.grantee_app_id, a.expires_at, a.revoked, x.api_id"
            + " FROM cross_tenant_authorizations a"
            + " LEFT JOIN cross_tenant_authorization_apis x ON x.authorization_id = a.id"
            + where(tenantColumn, scope)
            + " ORDER BY a.id, x.api_id";
    Map<String, AuthorizationRow> byId = new LinkedHashMap<>();
    try (PreparedStatement s = prepare(c, sql, scope);
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        String id = rs.getString(1);
        AuthorizationRow row = byId.get(id);
        if (row == null) {
          row =
              new AuthorizationRow(
                  id,
                  rs.getString(2),
                  rs.getString(3),
                  Instant.ofEpochMilli(rs.getLong(4)),
                  rs.getBoolean(5),
                  new LinkedHashSet<>());
          byId.put(id, row);
        }
        String apiId = rs.getString(6);
        if (apiId != null) {
          row.apiIds().add(apiId);
        }
      }
    }
    List<CrossTenantAuthorization> out = new ArrayList<>(byId.size());
    for (AuthorizationRow r : byId.values()) {
      out.add(
          new CrossTenantAuthorization(
              r.id(), r.grantorTenantId(), r.granteeAppId(), r.apiIds(), r.expiresAt(), r.revoked()));
    }
    return out;
  }

  private record AuthorizationRow(
      String id,
      String grantorTenantId,
      String granteeAppId,
      Instant expiresAt,
      boolean revoked,
      Set<String> apiIds) {}

  private static Instant instantOrNull(ResultSet rs, int column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  private static String where(String column, Scope scope) {
    return scope.tenantId == null ? "" : " WHERE " + column + " = ?";
  }

  private static PreparedStatement prepare(Connection c, String sql, Scope scope)
      throws SQLException {
    PreparedStatement s = c.prepareStatement(sql);
    try {
      // Stream rows instead of buffering the whole result (PostgreSQL's and MariaDB's drivers
      // otherwise hold a million rows at once while a snapshot loads).
      s.setFetchSize(FETCH_SIZE);
      if (scope.tenantId != null) {
        s.setString(1, scope.tenantId);
      }
      return s;
    } catch (SQLException e) {
      s.close();
      throw e;
    }
  }

  private static <T> List<T> list(Connection c, String sql, Scope scope, RowMapper<T> mapper)
      throws SQLException {
    List<T> out = new ArrayList<>();
    try (PreparedStatement s = prepare(c, sql, scope);
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        out.add(mapper.map(rs));
      }
    }
    return out;
  }
}
