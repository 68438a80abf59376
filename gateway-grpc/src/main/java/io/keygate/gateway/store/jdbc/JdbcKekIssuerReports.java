package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.credentials.KekIssuerReports;
import io.keygate.gateway.store.StoreException;
import io.keygate.hsm.KekId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/** The table {@code kek_issuers} (migration V11): one row per node that issues under a KEK. */
public final class JdbcKekIssuerReports implements KekIssuerReports {
  private final DataSource dataSource;

  public JdbcKekIssuerReports(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  @Override
  public void report(String nodeId, KekId kek, Instant now, Instant forgetBefore)
      throws StoreException {
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement s = c.prepareStatement(
          "UPDATE kek_issuers SET kek_id = ?, seen_at = ? WHERE node_id = ?")) {
        s.setString(1, kek.value());
        s.setLong(2, now.toEpochMilli());
        s.setString(3, nodeId);
        if (s.executeUpdate() == 0) {
          try (PreparedStatement i = c.prepareStatement(
              "INSERT INTO kek_issuers (node_id, kek_id, seen_at) VALUES (?, ?, ?)")) {
            i.setString(1, nodeId);
            i.setString(2, kek.value());
            i.setLong(3, now.toEpochMilli());
            i.executeUpdate();
          }
        }
      }
      try (PreparedStatement s = c.prepareStatement("DELETE FROM kek_issuers WHERE seen_at < ?")) {
        s.setLong(1, forgetBefore.toEpochMilli());
        s.executeUpdate();
      }
    } catch (SQLException e) {
      throw JdbcTransactions.translate("report the issuing KEK", e);
    }
  }

  @Override
  public void withdraw(String nodeId) throws StoreException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("DELETE FROM kek_issuers WHERE node_id = ?")) {
      s.setString(1, nodeId);
      s.executeUpdate();
    } catch (SQLException e) {
      throw JdbcTransactions.translate("withdraw the issuing KEK", e);
    }
  }

  @Override
  public List<String> nodesIssuingUnder(KekId kek, Instant since) throws StoreException {
    List<String> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT node_id FROM kek_issuers"
            + " WHERE kek_id = ? AND seen_at >= ? ORDER BY node_id")) {
      s.setString(1, kek.value());
      s.setLong(2, since.toEpochMilli());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw JdbcTransactions.translate("read kek_issuers", e);
    }
    return out;
  }
}
