package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Runs store operations in transactions and turns {@link SQLException}s into the store's own
 * exceptions. The one place that decides isolation, version bumps and rollback.
 */
final class JdbcTransactions {
  /** Work inside a transaction. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException, StoreException;
  }

  /** A write step inside a transaction; it tells {@code changes} what it touched. */
  @FunctionalInterface
  interface Step {
    void run(Connection c, ChangeLog changes) throws SQLException, StoreException;
  }

  private static final int MARIADB_DUPLICATE_KEY = 1062;

  private final DataSource dataSource;

  JdbcTransactions(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * A provisioning write. The version row is bumped first: its row lock then serialises all
   * writers of the cluster, so the checks a write makes before inserting cannot be invalidated by
   * a concurrent write, and there is no lock-order deadlock between writers. What the step
   * touched goes into the change feed under the new version, in the same transaction.
   */
  void write(String operation, Step step) throws StoreException {
    inTransaction(
        operation,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement("UPDATE config_version SET version = version + 1 WHERE id = 1")) {
            if (s.executeUpdate() != 1) {
              throw new StoreException("config_version row is missing: schema not migrated?");
            }
          }
          ChangeLog changes = new ChangeLog();
          step.run(c, changes);
          changes.writeTo(c, version(c));
          return null;
        });
  }

  /**
   * A read. READ COMMITTED on every database (MariaDB defaults to REPEATABLE READ): each statement
   * sees the latest commits, which {@link ConsistentRead} relies on to detect concurrent writes.
   */
  <T> T read(String operation, Work<T> work) throws StoreException {
    return inTransaction(operation, work);
  }

  /**
   * Statements in one transaction that change nothing a gateway decides on: no version bump and
   * nothing in the change feed (credentials' last-use times).
   */
  <T> T unversioned(String operation, Work<T> work) throws StoreException {
    return inTransaction(operation, work);
  }

  /** A single statement outside any multi-statement transaction (no version bump). */
  <T> T autocommit(String operation, Work<T> work) throws StoreException {
    try (Connection c = dataSource.getConnection()) {
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true); // a foreign DataSource might hand out manual-commit connections
      }
      return work.run(c);
    } catch (SQLException e) {
      throw translate(operation, e);
    }
  }

  static long version(Connection c) throws SQLException, StoreException {
    try (PreparedStatement s = c.prepareStatement("SELECT version FROM config_version WHERE id = 1");
        ResultSet rs = s.executeQuery()) {
      if (!rs.next()) {
        throw new StoreException("config_version row is missing: schema not migrated?");
      }
      return rs.getLong(1);
    }
  }

  private <T> T inTransaction(String operation, Work<T> work) throws StoreException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | StoreException | RuntimeException | Error e) {
        rollback(c, e);
        throw e;
      }
    } catch (SQLException e) {
      throw translate(operation, e);
    }
  }

  private static void rollback(Connection c, Throwable cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      // The connection is probably broken; the pool discards it and the database rolls back.
      cause.addSuppressed(e);
    }
  }

  /**
   * The store checks invariants before writing, with clear messages; a constraint violation seen
   * here is the database's backstop (a bug, or a writer that bypassed the store). Also used by
   * the stores of principals, approvals and TLS keys, so one mapping serves all.
   */
  static StoreException translate(String operation, SQLException e) {
    String state = e.getSQLState();
    if (state != null && state.startsWith("23")) {
      boolean duplicate = "23505".equals(state) || e.getErrorCode() == MARIADB_DUPLICATE_KEY;
      return new StoreConflictException(
          duplicate
              ? StoreConflictException.Kind.DUPLICATE
              : StoreConflictException.Kind.UNKNOWN_REFERENCE,
          operation + " refused by a database constraint: " + e.getMessage(),
          e);
    }
    return new StoreException("config database: " + operation + " failed: " + e.getMessage(), e);
  }
}
