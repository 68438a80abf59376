package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.store.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Reads several statements as one consistent cut of the store at one config version, without
 * relying on each database's idea of REPEATABLE READ (H2's differs from MariaDB's and
 * PostgreSQL's).
 *
 * <p>Optimistic first: read the version, then the rows, then the version again, each statement at
 * READ COMMITTED. Every write bumps the version in the transaction that makes it, so if both reads
 * agree no write committed in between and all rows belong to that version; otherwise try again.
 * Writers are never blocked. If writes keep landing (a bulk import), the last attempt locks the
 * version row ({@code SELECT ... FOR UPDATE}, portable to all three): writers, which bump that row
 * first, wait for the read to finish, so a node cannot be starved into staleness by a busy admin.
 */
final class ConsistentRead {
  static final int OPTIMISTIC_ATTEMPTS = 3;

  /** Statements that read the rows of {@code version}. */
  @FunctionalInterface
  interface AtVersion<T> {
    T read(Connection c, long version) throws SQLException, StoreException;
  }

  private final JdbcTransactions tx;

  ConsistentRead(JdbcTransactions tx) {
    this.tx = tx;
  }

  <T> T read(String operation, AtVersion<T> rows) throws StoreException {
    for (int attempt = 1; attempt <= OPTIMISTIC_ATTEMPTS; attempt++) {
      Optional<T> cut =
          tx.read(
              operation,
              c -> {
                long before = JdbcTransactions.version(c);
                T result = rows.read(c, before);
                return before == JdbcTransactions.version(c) ? Optional.of(result) : Optional.empty();
              });
      if (cut.isPresent()) {
        return cut.get();
      }
    }
    return tx.read(operation + " (locked)", c -> rows.read(c, lockedVersion(c)));
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
}
