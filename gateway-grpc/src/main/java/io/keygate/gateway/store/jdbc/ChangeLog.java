package io.keygate.gateway.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What one config write touched, written to the change feed ({@code config_changes}) in that
 * write's own transaction, so a node can apply the change instead of reloading every row.
 *
 * <p>A write names what it touched: a credential, an app (its row and its grants), or the shared
 * part (tenants, APIs, cross-tenant authorizations). A write that names nothing and does not say
 * {@link #noSnapshotEffect()} is recorded as {@code FULL}, and nodes reload everything for it: a
 * write that forgets to say what it touched costs time, never correctness.
 */
final class ChangeLog {
  /** Versions the feed keeps; a node further behind than that reloads in full. */
  static final int RETAINED_VERSIONS = 10_000;
  /** Pruning runs on every this-many-th version, in that write's transaction. */
  static final int PRUNE_EVERY = 256;

  private final Set<String> credentials = new LinkedHashSet<>();
  private final Set<String> apps = new LinkedHashSet<>();
  private boolean shared;
  private boolean full;
  private boolean noEffect;

  /** The credential with this access key changed (added, revoked, retired, rewrapped). */
  void credential(String accessKey) {
    credentials.add(accessKey);
  }

  /** The app's row or its set of grants changed. */
  void app(String appId) {
    apps.add(appId);
  }

  /** Tenants, APIs or cross-tenant authorizations changed. */
  void shared() {
    shared = true;
  }

  /** Nodes must reload everything. */
  void full() {
    full = true;
  }

  /** The write changed nothing a snapshot holds (an officer's allowance, for example). */
  void noSnapshotEffect() {
    noEffect = true;
  }

  /** Records the entries for {@code version} and prunes the feed now and then. */
  void writeTo(Connection c, long version) throws SQLException {
    boolean named = shared || full || !credentials.isEmpty() || !apps.isEmpty();
    try (PreparedStatement s =
        c.prepareStatement("INSERT INTO config_changes (version, kind, subject) VALUES (?, ?, ?)")) {
      if (full || (!named && !noEffect)) {
        add(s, version, "FULL", "");
      } else if (!named) {
        add(s, version, "NONE", "");
      } else {
        if (shared) {
          add(s, version, "SHARED", "");
        }
        for (String key : credentials) {
          add(s, version, "CREDENTIAL", key);
        }
        for (String app : apps) {
          add(s, version, "APP", app);
        }
      }
      s.executeBatch();
    }
    if (version % PRUNE_EVERY == 0 && version > RETAINED_VERSIONS) {
      long keepAbove = version - RETAINED_VERSIONS;
      SqlStatements.update(c, "DELETE FROM config_changes WHERE version <= ?", keepAbove);
      SqlStatements.update(
          c,
          "UPDATE config_version SET feed_start = ? WHERE id = 1 AND feed_start < ?",
          keepAbove,
          keepAbove);
    }
  }

  private static void add(PreparedStatement s, long version, String kind, String subject)
      throws SQLException {
    s.setLong(1, version);
    s.setString(2, kind);
    s.setString(3, subject);
    s.addBatch();
  }
}
