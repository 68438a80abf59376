package io.keygate.gateway.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Reads the audit log for {@code audit tail} and {@code audit query}. Reading proves nothing about
 * integrity: that is {@link AuditVerifier}'s job, and a row too damaged to be an event fails the
 * read with a hint to run it.
 */
public final class AuditQuery {
  /** The most records one call returns, so a careless query cannot pull the whole log. */
  public static final int MAX_LIMIT = 10_000;

  private final DataSource dataSource;

  public AuditQuery(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  /** The last {@code n} records (1..{@value #MAX_LIMIT}), oldest first. */
  public List<AuditRecord> tail(int n) throws AuditException {
    checkLimit(n);
    List<AuditRecord> newestFirst =
        read(
            "SELECT " + StoredRecord.COLUMNS + " FROM audit_log ORDER BY seq DESC LIMIT ?",
            List.of((long) n));
    Collections.reverse(newestFirst);
    return newestFirst;
  }

  /**
   * Records whose event time is in [{@code from}, {@code to}), optionally of one actor and one
   * action (exact match), in seq order, at most {@code limit}.
   *
   * @param from inclusive; null for no lower bound
   * @param to exclusive; null for no upper bound
   * @param actor null for any
   * @param action null for any
   */
  public List<AuditRecord> query(Instant from, Instant to, String actor, String action, int limit)
      throws AuditException {
    checkLimit(limit);
    StringBuilder sql =
        new StringBuilder("SELECT " + StoredRecord.COLUMNS + " FROM audit_log WHERE 1 = 1");
    List<Object> params = new ArrayList<>();
    if (from != null) {
      sql.append(" AND event_time >= ?");
      params.add(from.toEpochMilli());
    }
    if (to != null) {
      sql.append(" AND event_time < ?");
      params.add(to.toEpochMilli());
    }
    if (actor != null) {
      sql.append(" AND actor = ?");
      params.add(actor);
    }
    if (action != null) {
      sql.append(" AND action = ?");
      params.add(action);
    }
    sql.append(" ORDER BY seq LIMIT ?");
    params.add((long) limit);
    return read(sql.toString(), params);
  }

  private List<AuditRecord> read(String sql, List<Object> params) throws AuditException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) {
        Object p = params.get(i);
        if (p instanceof Long l) {
          s.setLong(i + 1, l);
        } else {
          s.setString(i + 1, (String) p);
        }
      }
      List<AuditRecord> out = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          StoredRecord r = StoredRecord.read(rs);
          out.add(new AuditRecord(r.seq(), r.toEvent(), String.valueOf(r.hash())));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new AuditException("audit query failed: " + e.getMessage(), e);
    }
  }

  private static void checkLimit(int n) {
    if (n < 1 || n > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT);
    }
  }
}
