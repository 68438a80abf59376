package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.config.SignatureRequirementStore;
import io.keygate.gateway.model.SignatureRequirement;
import io.keygate.gateway.model.SignatureRequirements;
import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.store.StoreNotFoundException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The tables {@code tenant_signature_requirements} and {@code api_signature_requirements}
 * (migration V15). Only requirements stricter than version 1 or 2 have a row. Every write is a
 * config version in the change feed (with the APIs, as "shared"), so every node's snapshot holds
 * them ({@link SignatureRequirementRows}).
 */
public final class JdbcSignatureRequirementStore implements SignatureRequirementStore {
  private final DataSource dataSource;
  private final JdbcTransactions tx;

  public JdbcSignatureRequirementStore(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.tx = new JdbcTransactions(dataSource);
  }

  @Override
  public SignatureRequirements all() throws StoreException {
    try (Connection c = dataSource.getConnection()) {
      return SignatureRequirementRows.all(c);
    } catch (SQLException e) {
      throw JdbcTransactions.translate("read the signature requirements", e);
    }
  }

  @Override
  public void setTenantDefault(String tenantId, SignatureRequirement requirement, Instant now)
      throws StoreException {
    set("set a tenant's signature requirement", "tenants", "tenant_signature_requirements",
        "tenant_id", tenantId, requirement, now);
  }

  @Override
  public void setApiRequirement(String apiId, SignatureRequirement requirement, Instant now)
      throws StoreException {
    set("set an API's signature requirement", "apis", "api_signature_requirements", "api_id",
        apiId, requirement, now);
  }

  // Table and column names are this class's constants, never a caller's text.
  private void set(String operation, String owners, String table, String column, String id,
      SignatureRequirement requirement, Instant now) throws StoreException {
    Objects.requireNonNull(requirement, "requirement");
    tx.write(operation, (c, changes) -> {
      changes.shared();
      try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM " + owners + " WHERE id = ?")) {
        s.setString(1, id);
        try (ResultSet rs = s.executeQuery()) {
          if (!rs.next()) {
            throw new StoreNotFoundException("no such " + owners.substring(0, owners.length() - 1));
          }
        }
      }
      try (PreparedStatement d = c.prepareStatement(
          "DELETE FROM " + table + " WHERE " + column + " = ?")) {
        d.setString(1, id);
        d.executeUpdate();
      }
      if (requirement != SignatureRequirement.V1_OR_V2) {
        try (PreparedStatement i = c.prepareStatement("INSERT INTO " + table + " (" + column
            + ", required, updated_at) VALUES (?, ?, ?)")) {
          i.setString(1, id);
          i.setString(2, requirement.text());
          i.setLong(3, now.toEpochMilli());
          i.executeUpdate();
        }
      }
    });
  }
}
