package io.keygate.gateway.tls;

/** A TLS key operation refused because of the key's state. */
public final class TlsKeyException extends Exception {
  private static final long serialVersionUID = 1L;

  public enum Reason {
    /** No EC key with a certificate under that label (or a reserved one). */
    NOT_FOUND,
    /** A listener serves it: it cannot be changed or destroyed. */
    SERVED,
    /** The listener serves it already. */
    ALREADY_SERVED,
    /** Its certificate is expired or not yet valid. */
    CERTIFICATE_NOT_VALID,
    /** Its certificate is not the one the approvers approved. */
    CERTIFICATE_CHANGED
  }

  private final Reason reason;

  public TlsKeyException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
