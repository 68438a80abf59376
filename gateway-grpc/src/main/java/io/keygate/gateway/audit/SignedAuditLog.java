package io.keygate.gateway.audit;

import java.util.Objects;

/**
 * The audit log of the admin plane: appends each event, then has the head signed in the HSM (and
 * exported to the signer's sink) before {@link #record} returns. An admin call therefore never
 * answers while its record is in an unsigned tail that someone with database access could delete
 * without a trace; if signing fails, {@link #record} throws {@link AuditUnsignedException} and the
 * call fails. One ECDSA signature and one row per admin call: fine for the admin plane, too much
 * for the data plane, whose aggregates keep the periodic signer's window (docs/audit.md).
 */
public final class SignedAuditLog implements AuditLog {
  private final ChainedAuditLog log;
  private final AuditHeadSigner signer;

  public SignedAuditLog(ChainedAuditLog log, AuditHeadSigner signer) {
    this.log = Objects.requireNonNull(log, "log");
    this.signer = Objects.requireNonNull(signer, "signer");
  }

  @Override
  public void record(AuditEvent event) throws AuditException {
    AuditRecord appended = log.append(event);
    try {
      // Signs the current head, which is this record or a later one: either covers it.
      signer.signNow();
    } catch (AuditException e) {
      throw new AuditUnsignedException(appended.seq(), e);
    } catch (RuntimeException e) {
      throw new AuditUnsignedException(
          appended.seq(), new AuditException("signing failed: " + e, e));
    }
  }
}
