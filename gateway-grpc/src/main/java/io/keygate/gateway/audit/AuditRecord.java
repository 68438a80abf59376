package io.keygate.gateway.audit;

import java.util.Objects;

/**
 * A recorded event with its place in the chain, as {@code audit tail} and {@code audit query} show
 * it.
 *
 * @param seq its position in the log, from 1, without gaps
 * @param hash the record's chain hash (64 lowercase hex digits), see docs/audit.md
 */
public record AuditRecord(long seq, AuditEvent event, String hash) {
  public AuditRecord {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(hash, "hash");
  }
}
