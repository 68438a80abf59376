package io.keygate.gateway.store.jdbc;

import static io.keygate.gateway.store.jdbc.SqlStatements.NULL_TEXT;
import static io.keygate.gateway.store.jdbc.SqlStatements.exists;
import static io.keygate.gateway.store.jdbc.SqlStatements.update;

import io.keygate.gateway.model.BackendTls;
import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.store.StoreNotFoundException;
import io.keygate.hsm.KeyLabel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The security officers' transport policies towards backends ({@code backend_tls}, migration
 * V12). Part of the snapshot: each write logs a SHARED change, which makes every node reread them
 * with the tenants and APIs and rebuild the channels whose policy changed.
 */
final class BackendTlsRows {
  private final JdbcTransactions tx;
  private final Clock clock;

  BackendTlsRows(JdbcTransactions tx, Clock clock) {
    this.tx = tx;
    this.clock = clock;
  }

  /** Sets the target's policy, replacing the one it had. */
  void set(BackendTls policy) throws StoreException {
    String target = policy.target();
    Object clientKey = policy.clientKey().<Object>map(KeyLabel::value).orElse(NULL_TEXT);
    tx.write(
        "setBackendTls " + target,
        (c, changes) -> {
          changes.shared();
          if (exists(c, "SELECT 1 FROM backend_tls WHERE backend_target = ?", target)) {
            update(c, "UPDATE backend_tls SET tls_mode = ?, server_name = ?, client_key_label = ?,"
                    + " trust_anchors_pem = ?, updated_at = ? WHERE backend_target = ?",
                policy.mode(), policy.serverName(), clientKey, policy.trustAnchorsPem(),
                clock.instant(), target);
          } else {
            update(c, "INSERT INTO backend_tls (backend_target, tls_mode, server_name,"
                    + " client_key_label, trust_anchors_pem, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                target, policy.mode(), policy.serverName(), clientKey, policy.trustAnchorsPem(),
                clock.instant());
          }
        });
  }

  /** The target becomes plaintext again. @throws StoreNotFoundException if it had no policy */
  void remove(String target) throws StoreException {
    String canonical = BackendTls.plaintext(target).target();
    tx.write(
        "removeBackendTls " + canonical,
        (c, changes) -> {
          changes.shared();
          if (update(c, "DELETE FROM backend_tls WHERE backend_target = ?", canonical) == 0) {
            throw new StoreNotFoundException("no TLS policy for backend " + canonical);
          }
        });
  }

  List<BackendTls> all() throws StoreException {
    return tx.read("backendTls", BackendTlsRows::all);
  }

  /** Every policy, in target order. */
  static List<BackendTls> all(Connection c) throws SQLException {
    List<BackendTls> out = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(
            "SELECT backend_target, tls_mode, server_name, client_key_label, trust_anchors_pem"
                + " FROM backend_tls ORDER BY backend_target");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        String label = rs.getString(4);
        out.add(new BackendTls(rs.getString(1), BackendTls.Mode.valueOf(rs.getString(2)),
            BackendTls.parseAnchors(rs.getString(5)), rs.getString(3),
            label == null ? Optional.empty() : Optional.of(KeyLabel.of(label))));
      }
    }
    return List.copyOf(out);
  }
}
