package io.keygate.gateway.audit;

/**
 * Where every admin operation and security event is recorded, append-only and tamper-evident.
 * Implementations must not lose an event silently: a failure to record throws, and the caller
 * (an admin operation) fails with it.
 */
public interface AuditLog {
  void record(AuditEvent event) throws AuditException;
}
