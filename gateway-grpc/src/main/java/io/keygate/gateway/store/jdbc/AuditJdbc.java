package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.audit.AuditException;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Runs audit work in a READ COMMITTED transaction and turns SQL failures into audit ones. */
public final class AuditJdbc {
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException, AuditException;
  }

  private final DataSource dataSource;

  public AuditJdbc(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public <T> T inTransaction(String operation, Work<T> work) throws AuditException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      // MariaDB defaults to REPEATABLE READ; the head lock below needs every statement to see the
      // latest commits, as on H2 and PostgreSQL.
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | AuditException | RuntimeException | Error e) {
        try {
          c.rollback();
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure); // broken connection: the database rolls back itself
        }
        throw e;
      }
    } catch (SQLException e) {
      throw new AuditException("audit log: " + operation + " failed: " + e.getMessage(), e);
    }
  }

  public static boolean isDuplicateKey(SQLException e) {
    // 23505: H2 and PostgreSQL; MariaDB says 23000 with vendor code 1062.
    return "23505".equals(e.getSQLState()) || e.getErrorCode() == 1062;
  }
}
