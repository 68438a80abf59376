package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.tls.TlsKeyAssignments;
import io.keygate.gateway.tls.TlsListener;
import io.keygate.hsm.KeyLabel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The TLS key tables (migration V4): {@code tls_active_keys}, one row per listener with an
 * activated key, and {@code tls_served_keys}, one row per node and listener.
 */
public final class JdbcTlsKeyAssignments implements TlsKeyAssignments {
  private final DataSource dataSource;

  public JdbcTlsKeyAssignments(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  @Override
  public Map<TlsListener, KeyLabel> activated() throws StoreException {
    Map<TlsListener, KeyLabel> out = new EnumMap<>(TlsListener.class);
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT listener, key_label FROM tls_active_keys");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        // The CHECK constraint allows only known listeners; a label that no longer parses is
        // skipped.
        TlsListener listener = TlsListener.fromWireName(rs.getString(1)).orElse(null);
        if (listener != null && KeyLabel.isValid(rs.getString(2))) {
          out.put(listener, KeyLabel.of(rs.getString(2)));
        }
      }
    } catch (SQLException e) {
      throw JdbcTransactions.translate("read tls_active_keys", e);
    }
    return out;
  }

  @Override
  public void reportServed(
      String nodeId, TlsListener listener, KeyLabel label, Instant now, Instant forgetBefore)
      throws StoreException {
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement s = c.prepareStatement("UPDATE tls_served_keys"
          + " SET key_label = ?, seen_at = ? WHERE node_id = ? AND listener = ?")) {
        s.setString(1, label.value());
        s.setLong(2, now.toEpochMilli());
        s.setString(3, nodeId);
        s.setString(4, listener.wireName());
        if (s.executeUpdate() == 0) {
          try (PreparedStatement i = c.prepareStatement("INSERT INTO tls_served_keys"
              + " (node_id, listener, key_label, seen_at) VALUES (?, ?, ?, ?)")) {
            i.setString(1, nodeId);
            i.setString(2, listener.wireName());
            i.setString(3, label.value());
            i.setLong(4, now.toEpochMilli());
            i.executeUpdate();
          }
        }
      }
      try (PreparedStatement s = c.prepareStatement(
          "DELETE FROM tls_served_keys WHERE seen_at < ?")) {
        s.setLong(1, forgetBefore.toEpochMilli());
        s.executeUpdate();
      }
    } catch (SQLException e) {
      throw JdbcTransactions.translate("report served TLS key", e);
    }
  }

  @Override
  public Set<KeyLabel> reportedSince(Instant since) throws StoreException {
    Set<KeyLabel> out = new HashSet<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT DISTINCT key_label FROM tls_served_keys WHERE seen_at >= ?")) {
      s.setLong(1, since.toEpochMilli());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          if (KeyLabel.isValid(rs.getString(1))) {
            out.add(KeyLabel.of(rs.getString(1)));
          }
        }
      }
    } catch (SQLException e) {
      throw JdbcTransactions.translate("read tls_served_keys", e);
    }
    return out;
  }

  @Override
  public void activate(TlsListener listener, KeyLabel label, Instant at, String requestId)
      throws StoreException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        int updated;
        try (PreparedStatement s = c.prepareStatement(
            "UPDATE tls_active_keys SET key_label = ?, activated_at = ?, request_id = ?"
                + " WHERE listener = ?")) {
          s.setString(1, label.value());
          s.setLong(2, at.toEpochMilli());
          s.setString(3, requestId);
          s.setString(4, listener.wireName());
          updated = s.executeUpdate();
        }
        if (updated == 0) {
          try (PreparedStatement s = c.prepareStatement(
              "INSERT INTO tls_active_keys (listener, key_label, activated_at, request_id)"
                  + " VALUES (?, ?, ?, ?)")) {
            s.setString(1, listener.wireName());
            s.setString(2, label.value());
            s.setLong(3, at.toEpochMilli());
            s.setString(4, requestId);
            s.executeUpdate();
          }
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw JdbcTransactions.translate("activate TLS key for " + listener.wireName(), e);
    }
  }
}
