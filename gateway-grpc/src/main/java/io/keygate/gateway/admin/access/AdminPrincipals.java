package io.keygate.gateway.admin.access;

import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreNotFoundException;
import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.store.jdbc.JdbcTransactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The admin principals table ({@code V3__admin_roles.sql}): which client-certificate identity
 * holds which admin role. Read on every admin call, so a removal takes effect at once on every
 * node. Errors use the config store's exception types, so one mapping serves both.
 *
 * <p>Each method is one autocommit statement (plus a check): these rows are not part of the
 * gateway snapshot and do not bump the config version.
 */
public final class AdminPrincipals {
  private static final String COLUMNS =
      "identity_kind, identity_value, admin_role, tenant_id, created_at";

  private final DataSource dataSource;
  private final Clock clock;

  /**
   * @param dataSource the migrated config database, e.g. {@code ConfigDatabase.dataSource()}
   * @param clock stamps {@code created_at}
   */
  public AdminPrincipals(DataSource dataSource, Clock clock) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Stores a mapping and returns it with its creation time.
   *
   * @throws StoreConflictException DUPLICATE if the identity is already mapped (remove it first:
   *     a role change is two audited steps), UNKNOWN_REFERENCE if a tenant-admin's tenant does
   *     not exist
   */
  public AdminPrincipal add(AdminPrincipal principal) throws StoreException {
    Instant now = Instant.ofEpochMilli(clock.millis());
    IdentityMatch id = principal.identity();
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
        s.setLong(5, now.toEpochMilli());
        s.executeUpdate();
      }
    } catch (SQLException e) {
      throw JdbcTransactions.translate("add admin principal " + id, e);
    }
    return new AdminPrincipal(id, principal.role(), principal.tenantId(), now);
  }

  /** @throws StoreNotFoundException if the identity is not mapped */
  public void remove(IdentityMatch identity) throws StoreException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "DELETE FROM admin_principals WHERE identity_kind = ? AND identity_value = ?")) {
      s.setString(1, identity.kind().name());
      s.setString(2, identity.value());
      if (s.executeUpdate() == 0) {
        throw new StoreNotFoundException("no admin principal " + identity);
      }
    } catch (SQLException e) {
      throw JdbcTransactions.translate("remove admin principal " + identity, e);
    }
  }

  /** Whether {@code identity} is mapped as a security-officer and no other identity is. */
  public boolean isLastOfficer(IdentityMatch identity) throws StoreException {
    List<AdminPrincipal> officers =
        list().stream().filter(p -> p.role() == AdminRole.SECURITY_OFFICER).toList();
    return officers.size() == 1 && officers.get(0).identity().equals(identity);
  }

  /** The mapping of exactly this identity (subject or fingerprint), if any. */
  public Optional<AdminPrincipal> find(IdentityMatch identity) throws StoreException {
    try (Connection c = dataSource.getConnection()) {
      return find(c, identity);
    } catch (SQLException e) {
      throw JdbcTransactions.translate("find admin principal", e);
    }
  }

  /**
   * The principal a caller acts as. The certificate's fingerprint wins over its subject: pinning
   * one certificate is the more specific statement (e.g. an auditor's subject with one certificate
   * mapped as officer).
   */
  public Optional<AdminPrincipal> find(AdminIdentity caller) throws StoreException {
    try (Connection c = dataSource.getConnection()) {
      Optional<AdminPrincipal> pinned = find(c, caller.sha256());
      if (pinned.isPresent() || caller.subject() == null) {
        return pinned;
      }
      return find(c, caller.subject());
    } catch (SQLException e) {
      throw JdbcTransactions.translate("find admin principal", e);
    }
  }

  /** Every mapping, ordered by kind and identity. */
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

  private static Optional<AdminPrincipal> find(Connection c, IdentityMatch identity)
      throws SQLException, StoreException {
    try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM admin_principals"
        + " WHERE identity_kind = ? AND identity_value = ?")) {
      s.setString(1, identity.kind().name());
      s.setString(2, identity.value());
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
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
