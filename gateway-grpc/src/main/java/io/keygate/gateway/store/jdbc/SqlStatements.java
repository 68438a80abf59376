package io.keygate.gateway.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * Parameter binding for the store's writes, the same on every driver: instants become epoch
 * milliseconds (the schema's representation) and null binds as a BIGINT null, because the only
 * nullable columns written are instants (PostgreSQL needs the type of a null).
 */
final class SqlStatements {
  /**
   * A NULL for a text column. A bare {@code null} binds as a NULL number, which PostgreSQL
   * refuses for a VARCHAR column.
   */
  static final Object NULL_TEXT = new Object();

  /** Rows per JDBC batch: big enough to amortise round trips, small enough for any driver. */
  private static final int BATCH_ROWS = 500;

  private SqlStatements() {}

  static int update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, params);
      return s.executeUpdate();
    }
  }

  /** One statement run for each row of parameters, sent in JDBC batches (bulk writes). */
  static void batch(Connection c, String sql, List<Object[]> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement s = c.prepareStatement(sql)) {
      int pending = 0;
      for (Object[] row : rows) {
        bind(s, row);
        s.addBatch();
        if (++pending == BATCH_ROWS) {
          s.executeBatch();
          pending = 0;
        }
      }
      if (pending > 0) {
        s.executeBatch();
      }
    }
  }

  static boolean exists(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, params);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** The first column of the first row, or null when there is no row. */
  static String firstString(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, params);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** The first column of every row. */
  static List<String> strings(Connection c, String sql, Object... params)
      throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, params);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  /** Called for each row of a query; returns false to stop reading. */
  @FunctionalInterface
  interface RowVisitor {
    boolean visit(ResultSet rs) throws SQLException;
  }

  /** Ids bound into one IN list at most: every database takes this many parameters. */
  static final int IN_CHUNK = 500;

  /**
   * Runs {@code sqlBeforeList + "(?, ?, ...)"} for {@code ids}, at most {@link #IN_CHUNK} at a
   * time, and hands each row to {@code visitor} until it returns false.
   */
  static void eachRowIn(
      Connection c, String sqlBeforeList, Collection<String> ids, RowVisitor visitor)
      throws SQLException {
    List<String> all = new ArrayList<>(ids);
    for (int from = 0; from < all.size(); from += IN_CHUNK) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_CHUNK));
      String marks = String.join(", ", Collections.nCopies(chunk.size(), "?"));
      try (PreparedStatement s = c.prepareStatement(sqlBeforeList + "(" + marks + ")")) {
        for (int i = 0; i < chunk.size(); i++) {
          s.setString(i + 1, chunk.get(i));
        }
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            if (!visitor.visit(rs)) {
              return;
            }
          }
        }
      }
    }
  }

  private static void bind(PreparedStatement s, Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      Object p = params[i];
      int index = i + 1;
      if (p == null) {
        s.setNull(index, Types.BIGINT);
      } else if (p == NULL_TEXT) {
        s.setNull(index, Types.VARCHAR);
      } else if (p instanceof Instant instant) {
        s.setLong(index, instant.toEpochMilli());
      } else if (p instanceof String string) {
        s.setString(index, string);
      } else if (p instanceof Integer number) {
        s.setInt(index, number);
      } else if (p instanceof Long number) {
        s.setLong(index, number);
      } else if (p instanceof Boolean bool) {
        s.setBoolean(index, bool);
      } else if (p instanceof Enum<?> e) {
        s.setString(index, e.name());
      } else {
        throw new IllegalArgumentException("unsupported parameter type " + p.getClass());
      }
    }
  }
}
