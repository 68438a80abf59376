package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Runs audit-table work in a READ COMMITTED transaction and turns SQL failures into store ones.
 * Unlike {@link JdbcTransactions} it maps no constraint violation to a conflict: for the audit
 * tables only a duplicate seq means something, and the caller that inserts says what.
 */
final class AuditJdbc {
  /** Work inside a transaction; {@code X} is what the work itself may throw besides SQL. */
  @FunctionalInterface
  interface Work<T, X extends Exception> {
    T run(Connection c) throws SQLException, StoreException, X;
  }

  private final DataSource dataSource;

  AuditJdbc(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  <T, X extends Exception> T inTransaction(String operation, Work<T, X> work)
      throws StoreException, X {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      // MariaDB defaults to REPEATABLE READ; the head lock needs every statement to see the
      // latest commits, as on H2 and PostgreSQL.
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (Exception | Error e) {
        try {
          c.rollback();
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure); // broken connection: the database rolls back itself
        }
        throw e;
      }
    } catch (SQLException e) {
      throw failed(operation, e);
    }
  }

  /** A read of single statements; each sees the latest commits. */
  <T> T read(String operation, Work<T, RuntimeException> work) throws StoreException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      return work.run(c);
    } catch (SQLException e) {
      throw failed(operation, e);
    }
  }

  static StoreException failed(String operation, SQLException e) {
    return new StoreException("audit database: " + operation + " failed: " + e.getMessage(), e);
  }

  static boolean isDuplicateKey(SQLException e) {
    // 23505: H2 and PostgreSQL; MariaDB says 23000 with vendor code 1062.
    return "23505".equals(e.getSQLState()) || e.getErrorCode() == 1062;
  }
}
