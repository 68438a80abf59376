package io.keygate.gateway.audit;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * One {@code audit_log} row exactly as the database holds it, tampered or not (see {@link
 * AuditChain}). The outcome stays a string and nothing is parsed eagerly, so the verifier can hash
 * and report a row that no longer makes sense as an {@link AuditEvent}.
 */
public record StoredRecord(
    long seq,
    long eventTimeMillis,
    String actor,
    String role,
    String action,
    String target,
    String outcome,
    String requestId,
    String detail,
    String prevHash,
    String hash) {

  /** Why this row cannot take part in the chain (a NULL or a hash that is not hex), if so. */
  Optional<String> malformation() {
    String[] text = textFields();
    if (Arrays.asList(text).contains(null)) {
      return Optional.of("a column is NULL");
    }
    if (RecordHash.parse(prevHash) == null || RecordHash.parse(hash) == null) {
      return Optional.of("prev_hash or hash is not 64 hex digits");
    }
    return Optional.empty();
  }

  /** The hash this row's content would have at position {@code asSeq} after {@code prev}. */
  public byte[] computeHash(byte[] prev, long asSeq) {
    return RecordHash.compute(prev, asSeq, eventTimeMillis, textFields());
  }

  byte[] prevHashBytes() {
    return RecordHash.parse(prevHash);
  }

  byte[] hashBytes() {
    return RecordHash.parse(hash);
  }

  /** True if the stored hash is the hash of this content at this seq after the stored prev. */
  boolean selfConsistent() {
    return Arrays.equals(computeHash(prevHashBytes(), seq), hashBytes());
  }

  /** As an event; fails if the row was tampered into something no event could be. */
  public AuditEvent toEvent() throws AuditException {
    AuditEvent.Outcome parsed;
    try {
      parsed = AuditEvent.Outcome.valueOf(outcome);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new AuditException("audit record " + seq + " has an unknown outcome; run audit verify");
    }
    try {
      return new AuditEvent(
          Instant.ofEpochMilli(eventTimeMillis),
          actor,
          role,
          action,
          target,
          parsed,
          requestId,
          detail);
    } catch (NullPointerException e) {
      throw new AuditException("audit record " + seq + " has a NULL column; run audit verify");
    }
  }

  private String[] textFields() {
    return new String[] {actor, role, action, target, outcome, requestId, detail};
  }
}
