package io.keygate.gateway.audit;

/** The audit log could not record or read events. */
public class AuditException extends Exception {
  private static final long serialVersionUID = 1L;

  public AuditException(String message, Throwable cause) {
    super(message, cause);
  }

  public AuditException(String message) {
    super(message);
  }
}
