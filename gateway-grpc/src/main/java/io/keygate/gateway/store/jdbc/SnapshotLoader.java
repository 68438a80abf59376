package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.config.ConfigSnapshot;
import io.keygate.gateway.store.StoreException;

import io.keygate.gateway.store.jdbc.ConfigRows.Scope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Loads a {@link ConfigSnapshot} that is a consistent cut of the store, without relying on each
 * database's idea of REPEATABLE READ (H2's differs from MariaDB's and PostgreSQL's).
 *
 * <p>Optimistic first: read the version, then every table, then the version again, each statement
 * at READ COMMITTED. Every write bumps the version in the transaction that makes it, so if both
 * reads agree no write committed in between and all rows belong to that version; otherwise try
 * again. Writers are never blocked. If writes keep landing (a bulk import), the last attempt
 * locks the version row ({@code SELECT ... FOR UPDATE}, portable to all three): writers, which
 * bump that row first, wait for the load to finish, so a refresher cannot be starved into
 * staleness by a busy admin.
 */
final class SnapshotLoader {
  static final int OPTIMISTIC_ATTEMPTS = 3;

  private final JdbcTransactions tx;

  SnapshotLoader(JdbcTransactions tx) {
    this.tx = tx;
  }

  ConfigSnapshot load() throws StoreException {
    for (int attempt = 1; attempt <= OPTIMISTIC_ATTEMPTS; attempt++) {
      Optional<ConfigSnapshot> snapshot =
          tx.read(
              "loadSnapshot",
              c -> {
                long before = JdbcTransactions.version(c);
                ConfigSnapshot s = readAll(c, before);
                return before == JdbcTransactions.version(c) ? Optional.of(s) : Optional.empty();
              });
      if (snapshot.isPresent()) {
        return snapshot.get();
      }
    }
    return tx.read("loadSnapshot (locked)", c -> readAll(c, lockedVersion(c)));
  }

  private static long lockedVersion(Connection c) throws SQLException, StoreException {
    try (PreparedStatement s =
            c.prepareStatement("SELECT version FROM config_version WHERE id = 1 FOR UPDATE");
        ResultSet rs = s.executeQuery()) {
      if (!rs.next()) {
        throw new StoreException("config_version row is missing: schema not migrated?");
      }
      return rs.getLong(1);
    }
  }

  private static ConfigSnapshot readAll(Connection c, long version) throws SQLException {
    return new ConfigSnapshot(
        version,
        ConfigRows.tenants(c, Scope.ALL),
        ConfigRows.apps(c, Scope.ALL),
        ConfigRows.apis(c, Scope.ALL),
        ConfigRows.credentials(c, Scope.ALL),
        ConfigRows.grants(c, Scope.ALL),
        ConfigRows.authorizationsGranted(c, Scope.ALL));
  }
}
