package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.audit.AuditChain;
import io.keygate.gateway.audit.AuditException;
import io.keygate.gateway.audit.StoredRecord;
import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The audit chain in tables {@code audit_log} and {@code audit_head} (migration V2).
 *
 * <p>An append is one transaction that locks the single {@code audit_head} row first ({@code
 * SELECT ... FOR UPDATE}), takes the next seq and the previous hash from it, inserts the record and
 * moves the head. The row lock serialises appends from every thread and every gateway node sharing
 * the database.
 */
public final class JdbcAuditChain implements AuditChain {
  /** The columns in the order {@link #row} reads them. */
  static final String COLUMNS =
      "seq, event_time, actor, role, action, target, outcome, request_id, detail, prev_hash, hash";

  private final AuditJdbc jdbc;

  public JdbcAuditChain(DataSource dataSource) {
    this.jdbc = new AuditJdbc(Objects.requireNonNull(dataSource, "dataSource"));
  }

  @Override
  public StoredRecord append(Link link) throws StoreException, AuditException {
    return jdbc.inTransaction("append to audit_log", c -> appendLocked(c, link));
  }

  private static StoredRecord appendLocked(Connection c, Link link)
      throws SQLException, StoreException, AuditException {
    long headSeq;
    String headHash;
    try (PreparedStatement s =
            c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE");
        ResultSet rs = s.executeQuery()) {
      if (!rs.next()) {
        throw new StoreException("audit_head row is missing: schema not migrated?");
      }
      headSeq = rs.getLong(1);
      headHash = rs.getString(2);
    }
    long seq = headSeq + 1;
    StoredRecord row = link.next(seq, headHash);
    if (row.seq() != seq) {
      throw new IllegalStateException("the link made seq " + row.seq() + ", not " + seq);
    }
    try (PreparedStatement s =
        c.prepareStatement("INSERT INTO audit_log (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
      s.setLong(1, row.seq());
      s.setLong(2, row.eventTimeMillis());
      s.setString(3, row.actor());
      s.setString(4, row.role());
      s.setString(5, row.action());
      s.setString(6, row.target());
      s.setString(7, row.outcome());
      s.setString(8, row.requestId());
      s.setString(9, row.detail());
      s.setString(10, row.prevHash());
      s.setString(11, row.hash());
      s.executeUpdate();
    } catch (SQLException e) {
      if (AuditJdbc.isDuplicateKey(e)) {
        throw new StoreConflictException(
            StoreConflictException.Kind.DUPLICATE, "audit_log already holds seq " + seq, e);
      }
      throw e;
    }
    try (PreparedStatement s =
        c.prepareStatement("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
      s.setLong(1, seq);
      s.setString(2, row.hash());
      s.executeUpdate();
    }
    return row;
  }

  @Override
  public Optional<Head> head() throws StoreException {
    return jdbc.read("read audit_head", c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1");
          ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(new Head(rs.getLong(1), rs.getString(2))) : Optional.empty();
      }
    });
  }

  @Override
  public Optional<StoredRecord> record(long seq) throws StoreException {
    return jdbc.read("read audit record", c ->
        rows(c, "SELECT " + COLUMNS + " FROM audit_log WHERE seq = ?", seq).stream().findFirst());
  }

  @Override
  public List<StoredRecord> after(long afterSeq, int limit) throws StoreException {
    return jdbc.read("read audit_log", c -> rows(c,
        "SELECT " + COLUMNS + " FROM audit_log WHERE seq > ? ORDER BY seq LIMIT " + limit(limit),
        afterSeq));
  }

  @Override
  public List<StoredRecord> newest(int n) throws StoreException {
    return jdbc.read("read audit_log", c -> rows(c,
        "SELECT " + COLUMNS + " FROM audit_log ORDER BY seq DESC LIMIT ?", (long) limit(n)));
  }

  @Override
  public List<StoredRecord> matching(
      Instant from, Instant to, String actor, String action, int limit) throws StoreException {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_log WHERE 1 = 1");
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
    params.add((long) limit(limit));
    return jdbc.read("query audit_log", c -> rows(c, sql.toString(), params.toArray()));
  }

  @Override
  public Optional<SeqRange> beyond(long seq) throws StoreException {
    return jdbc.read("read audit_log", c -> {
      try (PreparedStatement s =
          c.prepareStatement("SELECT MIN(seq), MAX(seq) FROM audit_log WHERE seq > ?")) {
        s.setLong(1, seq);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          long first = rs.getLong(1);
          return rs.wasNull() ? Optional.empty() : Optional.of(new SeqRange(first, rs.getLong(2)));
        }
      }
    });
  }

  private static int limit(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
    return n;
  }

  private static List<StoredRecord> rows(Connection c, String sql, Object... params)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        if (params[i] instanceof Long l) {
          s.setLong(i + 1, l);
        } else {
          s.setString(i + 1, (String) params[i]);
        }
      }
      List<StoredRecord> out = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(row(rs));
        }
      }
      return out;
    }
  }

  private static StoredRecord row(ResultSet rs) throws SQLException {
    return new StoredRecord(
        rs.getLong(1),
        rs.getLong(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        rs.getString(8),
        rs.getString(9),
        rs.getString(10),
        rs.getString(11));
  }
}
