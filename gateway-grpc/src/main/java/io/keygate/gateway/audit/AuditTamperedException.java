package io.keygate.gateway.audit;

/**
 * The audit tables no longer hold what the log wrote or a signature vouched for, so the log refuses
 * to go on (append or sign) until someone has looked: run {@code audit verify}. A separate type so
 * callers can tell tampering (a security incident) from an unreachable database.
 */
public final class AuditTamperedException extends AuditException {
  private static final long serialVersionUID = 1L;

  public AuditTamperedException(String message) {
    super(message);
  }

  public AuditTamperedException(String message, Throwable cause) {
    super(message, cause);
  }
}
