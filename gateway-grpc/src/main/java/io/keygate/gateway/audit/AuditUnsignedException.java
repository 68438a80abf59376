package io.keygate.gateway.audit;

/**
 * The event was appended (as {@link #seq()}) but no signed head covers it yet: the HSM, the
 * database or the sink failed, or the signer refused because the log was tampered with. The
 * caller must not answer as if the operation were fully audited.
 */
public final class AuditUnsignedException extends AuditException {
  private static final long serialVersionUID = 1L;
  private final long seq;

  AuditUnsignedException(long seq, AuditException cause) {
    super("audit record " + seq + " was appended but not signed: " + cause.getMessage(), cause);
    this.seq = seq;
  }

  public long seq() {
    return seq;
  }

  /** True when the signer refused because what it signed before is gone: run audit verify. */
  public boolean refusedForTampering() {
    return getCause() instanceof AuditTamperedException;
  }
}
