package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.model.EncryptionPolicy;
import io.keygate.gateway.payload.PayloadEnvelope;
import io.keygate.gateway.payload.PayloadKeyRing;
import io.keygate.gateway.payload.PayloadKeyStore;
import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.store.StoreNotFoundException;
import io.keygate.hsm.KekId;
import io.keygate.hsm.WrappedSecret;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The tables {@code api_payload_policies} and {@code api_payload_keys} (migration V13). Every
 * write is a config version in the change feed (with the APIs, as "shared"), so every node's
 * snapshot holds the policies and rings ({@link PayloadRows}).
 */
public final class JdbcPayloadKeyStore implements PayloadKeyStore {
  private final DataSource dataSource;
  private final JdbcTransactions tx;

  public JdbcPayloadKeyStore(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.tx = new JdbcTransactions(dataSource);
  }

  @Override
  public EncryptionPolicy policy(String apiId) throws StoreException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT encryption FROM api_payload_policies WHERE api_id = ?")) {
      s.setString(1, apiId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? EncryptionPolicy.parse(rs.getString(1)) : EncryptionPolicy.NONE;
      }
    } catch (SQLException e) {
      throw JdbcTransactions.translate("read the payload policy", e);
    }
  }

  @Override
  public void setPolicy(String apiId, EncryptionPolicy policy, Instant now)
      throws StoreException {
    inTransaction("set the payload policy", c -> {
      requireApi(c, apiId);
      try (PreparedStatement u = c.prepareStatement(
          "UPDATE api_payload_policies SET encryption = ?, updated_at = ? WHERE api_id = ?")) {
        u.setString(1, policy.text());
        u.setLong(2, now.toEpochMilli());
        u.setString(3, apiId);
        if (u.executeUpdate() == 1) {
          return;
        }
      }
      try (PreparedStatement i = c.prepareStatement("INSERT INTO api_payload_policies"
          + " (api_id, encryption, updated_at) VALUES (?, ?, ?)")) {
        i.setString(1, apiId);
        i.setString(2, policy.text());
        i.setLong(3, now.toEpochMilli());
        i.executeUpdate();
      }
    });
  }

  @Override
  public void addKey(String apiId, Hop hop, String keyId, WrappedSecret key, Instant now,
      boolean current) throws StoreException {
    if (!PayloadEnvelope.isKeyId(keyId)) {
      throw new IllegalArgumentException("not a payload key id");
    }
    inTransaction("add a payload key", c -> {
      requireApi(c, apiId);
      Optional<String> state = state(c, apiId, hop, keyId);
      if (state.isPresent()) {
        throw new StoreConflictException(StoreConflictException.Kind.DUPLICATE,
            "the " + hop(hop) + " ring of API " + apiId + " already has key " + keyId);
      }
      if (current) {
        demoteCurrent(c, apiId, hop);
      } else if (!hasCurrent(c, apiId, hop)) {
        throw new StoreConflictException(StoreConflictException.Kind.NO_CURRENT_KEY,
            "the " + hop(hop) + " ring of API " + apiId + " has no current key to stage behind");
      }
      try (PreparedStatement i = c.prepareStatement("INSERT INTO api_payload_keys (api_id, hop,"
          + " key_id, kek_id, wrapped_key, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        i.setString(1, apiId);
        i.setString(2, hop(hop));
        i.setString(3, keyId);
        i.setString(4, key.kek().value());
        i.setString(5, key.encoded());
        i.setString(6, current ? "current" : "accepted");
        i.setLong(7, now.toEpochMilli());
        i.executeUpdate();
      }
    });
  }

  @Override
  public void makeCurrent(String apiId, Hop hop, String keyId) throws StoreException {
    inTransaction("promote a payload key", c -> {
      String state = state(c, apiId, hop, keyId).orElseThrow(
          () -> new StoreNotFoundException("no payload key " + keyId + " in that ring"));
      if (state.equals("current")) {
        return;
      }
      demoteCurrent(c, apiId, hop);
      try (PreparedStatement u = c.prepareStatement("UPDATE api_payload_keys SET state ="
          + " 'current' WHERE api_id = ? AND hop = ? AND key_id = ?")) {
        u.setString(1, apiId);
        u.setString(2, hop(hop));
        u.setString(3, keyId);
        u.executeUpdate();
      }
    });
  }

  /** The ring's current key, if any, becomes accepted (it still opens). */
  private static void demoteCurrent(Connection c, String apiId, Hop hop) throws SQLException {
    try (PreparedStatement u = c.prepareStatement("UPDATE api_payload_keys SET state ="
        + " 'accepted' WHERE api_id = ? AND hop = ? AND state = 'current'")) {
      u.setString(1, apiId);
      u.setString(2, hop(hop));
      u.executeUpdate();
    }
  }

  private static boolean hasCurrent(Connection c, String apiId, Hop hop) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM api_payload_keys"
        + " WHERE api_id = ? AND hop = ? AND state = 'current'")) {
      s.setString(1, apiId);
      s.setString(2, hop(hop));
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Override
  public void retireKey(String apiId, Hop hop, String keyId) throws StoreException {
    inTransaction("retire a payload key", c -> {
      String state = state(c, apiId, hop, keyId).orElseThrow(
          () -> new StoreNotFoundException("no payload key " + keyId + " in that ring"));
      if (state.equals("current")) {
        throw new StoreConflictException(StoreConflictException.Kind.IN_USE,
            "payload key " + keyId + " is current: add its successor first");
      }
      try (PreparedStatement d = c.prepareStatement(
          "DELETE FROM api_payload_keys WHERE api_id = ? AND hop = ? AND key_id = ?")) {
        d.setString(1, apiId);
        d.setString(2, hop(hop));
        d.setString(3, keyId);
        d.executeUpdate();
      }
    });
  }

  @Override
  public Optional<PayloadKeyRing> ring(String apiId, Hop hop) throws StoreException {
    Map<String, WrappedSecret> keys = new HashMap<>();
    String current = null;
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT key_id, kek_id, wrapped_key, state"
            + " FROM api_payload_keys WHERE api_id = ? AND hop = ?")) {
      s.setString(1, apiId);
      s.setString(2, hop(hop));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          keys.put(rs.getString(1),
              WrappedSecret.decode(KekId.of(rs.getString(2)), rs.getString(3)));
          if (rs.getString(4).equals("current")) {
            current = rs.getString(1);
          }
        }
      }
    } catch (SQLException e) {
      throw JdbcTransactions.translate("read a payload key ring", e);
    }
    return current == null ? Optional.empty() : Optional.of(new PayloadKeyRing(current, keys));
  }

  private static String hop(Hop hop) {
    return hop.name().toLowerCase(Locale.ROOT);
  }

  /** The key's state in the ring ("current" or "accepted"), empty if the ring has no such key. */
  private static Optional<String> state(Connection c, String apiId, Hop hop, String keyId)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT state FROM api_payload_keys"
        + " WHERE api_id = ? AND hop = ? AND key_id = ?")) {
      s.setString(1, apiId);
      s.setString(2, hop(hop));
      s.setString(3, keyId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  private static void requireApi(Connection c, String apiId)
      throws SQLException, StoreNotFoundException {
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM apis WHERE id = ?")) {
      s.setString(1, apiId);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new StoreNotFoundException("no API " + apiId);
        }
      }
    }
  }

  @FunctionalInterface
  private interface Work {
    void run(Connection c) throws SQLException, StoreException;
  }

  /** A config write: bumps the version and tells the change feed the shared part changed. */
  private void inTransaction(String operation, Work work) throws StoreException {
    tx.write(operation, (c, changes) -> {
      changes.shared();
      work.run(c);
    });
  }
}
