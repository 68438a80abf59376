package io.keygate.gateway.tls;

import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.store.jdbc.JdbcTransactions;
import io.keygate.hsm.KeyLabel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Which HSM key each listener serves ({@code tls_active_keys}, migration V4), over the whole
 * cluster: written when an approved activate-tls-key runs, read by every node's {@link
 * TlsKeyFollower}. A listener without a row serves the key its node's configuration names, so
 * {@link #assignments} merges both.
 */
public final class ActiveTlsKeys {
  private static final Duration FORGET_AFTER = Duration.ofDays(1);

  private final DataSource dataSource;
  private final Map<TlsListener, KeyLabel> configured;

  /**
   * @param configured the keys this node's configuration names (KEYGATE_TLS_KEY,
   *     KEYGATE_ADMIN_TLS_KEY), used until a listener's key has been activated
   */
  public ActiveTlsKeys(DataSource dataSource, Map<TlsListener, KeyLabel> configured) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.configured = Map.copyOf(configured);
  }

  /** The key each listener serves now: the activated one, else the configured one. */
  public Map<TlsListener, KeyLabel> assignments() throws StoreException {
    Map<TlsListener, KeyLabel> out = new EnumMap<>(TlsListener.class);
    out.putAll(configured);
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT listener, key_label FROM tls_active_keys");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        // The CHECK constraint allows only known listeners; a label that no longer parses is
        // skipped, and the node keeps what it serves (TlsKeyFollower logs the mismatch).
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

  /**
   * Records what {@code nodeId} serves on {@code listener} now (its follower does, every poll),
   * and forgets nodes not heard of for a day.
   */
  public void reportServed(String nodeId, TlsListener listener, KeyLabel label, Instant now)
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
        s.setLong(1, now.minus(FORGET_AFTER).toEpochMilli());
        s.executeUpdate();
      }
    } catch (SQLException e) {
      throw JdbcTransactions.translate("report served TLS key", e);
    }
  }

  /**
   * Every key some listener may be serving: the assignments, and what any node reported serving
   * since {@code since} (a node that has not switched yet, or is configured differently).
   */
  public Set<KeyLabel> servedAnywhere(Instant since) throws StoreException {
    Set<KeyLabel> out = new HashSet<>(assignments().values());
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

  /** Makes {@code label} the key of {@code listener} on every node (as they next poll). */
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
