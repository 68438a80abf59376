package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.admin.access.AdminPrincipal;
import io.keygate.gateway.admin.access.AdminRole;
import io.keygate.gateway.admin.access.IdentityMatch;
import io.keygate.gateway.admin.access.PrincipalStore;
import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The admin principals table ({@code V3__admin_roles.sql}). Each method is one autocommit statement
 * (plus a check): these rows are not part of the gateway snapshot and do not bump the config
 * version.
 */
public final class JdbcPrincipalStore implements PrincipalStore {
  private static final String COLUMNS =
      "identity_kind, identity_value, admin_role, tenant_id, created_at";

  private final DataSource dataSource;

  public JdbcPrincipalStore(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  @Override
  public void insert(AdminPrincipal principal) throws StoreException {
    IdentityMatch id = principal.identity();
    Instant createdAt = Objects.requireNonNull(principal.createdAt(), "createdAt");
    try (Connection c = dataSource.getConnection()) {
      if (principal.tenantId() != null && !tenantExists(c, principal.tenantId())) {
        throw new StoreConflictException(
            StoreConflictException.Kind.UNKNOWN_REFERENCE, "no tenant " + principal.tenantId());
      }
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO admin_principals (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)")) {
        s.setString(1, id.kind().name());
        s.setString(2, id.value());
        s.setString(3, principal.role().wireName());
        if (principal.tenantId() == null) {
          s.setNull(4, Types.VARCHAR);
        } else {
          s.setString(4, principal.tenantId());
        }
        s.setLong(5, createdAt.toEpochMilli());
        s.executeUpdate();
      }
    } catch (SQLException e) {
      throw JdbcTransactions.translate("add admin principal " + id, e);
    }
  }

  @Override
  public boolean delete(IdentityMatch identity) throws StoreException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "DELETE FROM admin_principals WHERE identity_kind = ? AND identity_value = ?")) {
      s.setString(1, identity.kind().name());
      s.setString(2, identity.value());
      return s.executeUpdate() > 0;
    } catch (SQLException e) {
      throw JdbcTransactions.translate("remove admin principal " + identity, e);
    }
  }

  @Override
  public Optional<AdminPrincipal> find(IdentityMatch identity) throws StoreException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM admin_principals"
            + " WHERE identity_kind = ? AND identity_value = ?")) {
      s.setString(1, identity.kind().name());
      s.setString(2, identity.value());
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw JdbcTransactions.translate("find admin principal", e);
    }
  }

  @Override
  public List<AdminPrincipal> list() throws StoreException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT " + COLUMNS + " FROM admin_principals ORDER BY identity_kind, identity_value");
        ResultSet rs = s.executeQuery()) {
      List<AdminPrincipal> all = new ArrayList<>();
      while (rs.next()) {
        all.add(row(rs));
      }
      return all;
    } catch (SQLException e) {
      throw JdbcTransactions.translate("list admin principals", e);
    }
  }

  private static boolean tenantExists(Connection c, String tenantId) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM tenants WHERE id = ?")) {
      s.setString(1, tenantId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static AdminPrincipal row(ResultSet rs) throws SQLException, StoreException {
    String role = rs.getString(3);
    // The CHECK constraints make these impossible unless someone edited the table by hand.
    AdminRole parsed = AdminRole.fromWireName(role)
        .orElseThrow(() -> new StoreException("admin_principals has an unknown role"));
    IdentityMatch.Kind kind;
    try {
      kind = IdentityMatch.Kind.valueOf(rs.getString(1));
    } catch (IllegalArgumentException e) {
      throw new StoreException("admin_principals has an unknown identity kind", e);
    }
    return new AdminPrincipal(
        new IdentityMatch(kind, rs.getString(2)),
        parsed,
        rs.getString(4),
        Instant.ofEpochMilli(rs.getLong(5)));
  }
}
