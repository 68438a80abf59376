package io.keygate.gateway.audit;

import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreException;
import java.util.Objects;

/**
 * The audit log: each event becomes the next record of a hash chain (see {@link RecordHash} and
 * docs/audit.md) appended to an {@link AuditChain}.
 *
 * <p>The chain appends under a lock on its head and hands over the next seq and the previous hash
 * from the head, so seqs are dense, the chain never forks, and records deleted from the tail are
 * not silently chained over: the next append leaves a visible gap. This class decides what a
 * record holds (identity fields exact or refused, detail cleaned) and its hash.
 */
public final class ChainedAuditLog implements AuditLog {
  /** The column limits of V2; identity fields beyond them are refused, detail is shortened. */
  static final int MAX_ACTOR = 512;

  static final int MAX_ROLE = 64;
  static final int MAX_ACTION = 128;
  static final int MAX_TARGET = 512;
  static final int MAX_REQUEST_ID = 128;
  public static final int MAX_DETAIL = 4000;
  private static final String TRUNCATED = "...[truncated]";

  private final AuditChain chain;

  public ChainedAuditLog(AuditChain chain) {
    this.chain = Objects.requireNonNull(chain, "chain");
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
    StoredRecord row;
    try {
      row = chain.append((seq, prevHash) -> link(draft, seq, prevHash));
    } catch (StoreConflictException e) {
      if (e.kind() != StoreConflictException.Kind.DUPLICATE) {
        throw new AuditException("audit log: record " + event.action() + " failed: "
            + e.getMessage(), e);
      }
      // Refuse rather than chain around it: the chain must not fork or adopt a forged record.
      throw new AuditTamperedException(e.getMessage() + ", which the audit head never issued: the"
          + " table was written around the audit log; run audit verify", e);
    } catch (StoreException e) {
      throw new AuditException("audit log: record " + event.action() + " failed: "
          + e.getMessage(), e);
    }
    return new AuditRecord(row.seq(), row.toEvent(), row.hash());
  }

  private static StoredRecord link(StoredRecord draft, long seq, String headHash)
      throws AuditTamperedException {
    byte[] prev = RecordHash.parse(headHash);
    if (prev == null) {
      throw new AuditTamperedException("audit_head holds a malformed hash; run audit verify");
    }
    return withChain(draft, seq, prev);
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
