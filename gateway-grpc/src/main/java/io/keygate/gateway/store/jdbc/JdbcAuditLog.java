package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.audit.AuditEvent;
import io.keygate.gateway.audit.AuditException;
import io.keygate.gateway.audit.AuditLog;
import io.keygate.gateway.audit.AuditRecord;
import io.keygate.gateway.audit.AuditTamperedException;
import io.keygate.gateway.audit.RecordHash;
import io.keygate.gateway.audit.StoredRecord;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The audit log in the config database: table {@code audit_log}, hash-chained (see {@link
 * RecordHash} and docs/audit.md).
 *
 * <p>Each append is one transaction that locks the single {@code audit_head} row first ({@code
 * SELECT ... FOR UPDATE}), takes the next seq and the previous hash from it, inserts the record and
 * moves the head. The row lock serialises appends from every thread and every gateway node sharing
 * the database, so seqs are dense and the chain never forks. Taking the previous hash from the head
 * rather than from the table's last row means records deleted from the tail are not silently
 * chained over: the next append leaves a visible gap.
 */
public final class JdbcAuditLog implements AuditLog {
  /** Column limits of V2; identity fields beyond them are refused, detail is shortened. */
  static final int MAX_ACTOR = 512;

  static final int MAX_ROLE = 64;
  static final int MAX_ACTION = 128;
  static final int MAX_TARGET = 512;
  static final int MAX_REQUEST_ID = 128;
  public static final int MAX_DETAIL = 4000;
  private static final String TRUNCATED = "...[truncated]";

  private final AuditJdbc jdbc;

  public JdbcAuditLog(DataSource dataSource) {
    this.jdbc = new AuditJdbc(Objects.requireNonNull(dataSource, "dataSource"));
  }

  @Override
  public void record(AuditEvent event) throws AuditException {
    append(event);
  }

  /**
   * Appends {@code event} and returns it as stored (time cut to milliseconds, detail cleaned).
   *
   * @throws AuditTamperedException if the table holds the row the head would issue next (written
   *     around the log: run audit verify)
   * @throws AuditException if the database fails or an identity field is too long or not text
   */
  public AuditRecord append(AuditEvent event) throws AuditException {
    Objects.requireNonNull(event, "event");
    checkField("actor", event.actor(), MAX_ACTOR);
    checkField("role", event.role(), MAX_ROLE);
    checkField("action", event.action(), MAX_ACTION);
    checkField("target", event.target(), MAX_TARGET);
    checkField("requestId", event.requestId(), MAX_REQUEST_ID);
    // The database keeps milliseconds; hash what it keeps so a re-read hashes alike.
    long time = event.time().toEpochMilli();
    String detail = cleanDetail(event.detail());
    StoredRecord draft =
        new StoredRecord(
            0,
            time,
            event.actor(),
            event.role(),
            event.action(),
            event.target(),
            event.outcome().name(),
            event.requestId(),
            detail,
            null,
            null);
    return jdbc.inTransaction("record " + event.action(), c -> appendLocked(c, draft));
  }

  private AuditRecord appendLocked(Connection c, StoredRecord draft)
      throws SQLException, AuditException {
    long headSeq;
    byte[] headHash;
    try (PreparedStatement s =
            c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE");
        ResultSet rs = s.executeQuery()) {
      if (!rs.next()) {
        throw new AuditException("audit_head row is missing: schema not migrated?");
      }
      headSeq = rs.getLong(1);
      headHash = RecordHash.parse(rs.getString(2));
    }
    if (headHash == null) {
      throw new AuditTamperedException("audit_head holds a malformed hash; run audit verify");
    }
    long seq = headSeq + 1;
    StoredRecord row = withChain(draft, seq, headHash);
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO audit_log ("
                + StoredRecord.COLUMNS
                + ") VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
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
        // Refuse rather than chain around it: the chain must not fork or adopt a forged record.
        throw new AuditTamperedException(
            "audit_log already holds seq "
                + seq
                + ", which the audit head never issued: the"
                + " table was written around the audit log; run audit verify",
            e);
      }
      throw e;
    }
    try (PreparedStatement s =
        c.prepareStatement("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
      s.setLong(1, seq);
      s.setString(2, row.hash());
      s.executeUpdate();
    }
    return new AuditRecord(seq, row.toEvent(), row.hash());
  }

  private static StoredRecord withChain(StoredRecord d, long seq, byte[] prev) {
    String hash = RecordHash.hex(d.computeHash(prev, seq));
    return new StoredRecord(
        seq,
        d.eventTimeMillis(),
        d.actor(),
        d.role(),
        d.action(),
        d.target(),
        d.outcome(),
        d.requestId(),
        d.detail(),
        RecordHash.hex(prev),
        hash);
  }

  /**
   * Identity fields are recorded exactly or not at all: a shortened actor would be a different
   * actor. NUL and lone surrogates are refused because the databases store them differently
   * (PostgreSQL refuses NUL), which would break the hash on re-read.
   */
  private static void checkField(String name, String value, int max) throws AuditException {
    if (value.length() > max) {
      throw new AuditException("audit event " + name + " is longer than " + max + " characters");
    }
    if (!isStorableText(value)) {
      throw new AuditException("audit event " + name + " holds NUL or a lone surrogate");
    }
  }

  /** Detail is prose for people: clean and shorten it rather than fail the audited operation. */
  static String cleanDetail(String detail) {
    StringBuilder out = new StringBuilder(Math.min(detail.length(), MAX_DETAIL));
    for (int i = 0; i < detail.length(); i++) {
      char ch = detail.charAt(i);
      if (Character.isHighSurrogate(ch)
          && i + 1 < detail.length()
          && Character.isLowSurrogate(detail.charAt(i + 1))) {
        out.append(ch).append(detail.charAt(++i));
      } else if (ch == 0 || Character.isSurrogate(ch)) {
        out.append('\uFFFD');
      } else {
        out.append(ch);
      }
    }
    if (out.length() <= MAX_DETAIL) {
      return out.toString();
    }
    int cut = MAX_DETAIL - TRUNCATED.length();
    if (Character.isLowSurrogate(out.charAt(cut))) {
      cut--; // never split a surrogate pair
    }
    return out.substring(0, cut) + TRUNCATED;
  }

  private static boolean isStorableText(String s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == 0) {
        return false;
      }
      if (Character.isHighSurrogate(ch)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(ch)) {
        return false;
      }
    }
    return true;
  }
}
