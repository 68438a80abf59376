package io.keygate.gateway.admin.api;

import io.keygate.gateway.audit.AuditChain;
import io.keygate.gateway.audit.AuditException;
import io.keygate.gateway.audit.AuditHeadSigner;
import io.keygate.gateway.audit.AuditHeadSink;
import io.keygate.gateway.audit.AuditQuery;
import io.keygate.gateway.audit.AuditVerifier;
import io.keygate.gateway.audit.SignedHeads;
import io.keygate.hsm.PublicKeys;
import java.util.Objects;
import java.util.Set;

/**
 * What the admin API's audit RPCs read the log with: {@link AuditQuery} for tail and query,
 * {@link AuditVerifier} for verify. A node wired without them answers those RPCs with
 * AUDIT_UNAVAILABLE rather than pretending the log is empty.
 */
public final class AuditReading {
  private final AuditQuery query;
  private final AuditVerifier verifier;

  public AuditReading(AuditQuery query, AuditVerifier verifier) {
    this.query = Objects.requireNonNull(query, "query");
    this.verifier = Objects.requireNonNull(verifier, "verifier");
  }

  private AuditReading() {
    this.query = null;
    this.verifier = null;
  }

  /**
   * Reads the log in {@code chain} and {@code signedHeads} (the config database's) and trusts
   * heads signed by {@link AuditHeadSigner#DEFAULT_KEY_LABEL} only, checked with its public key
   * from {@code hsm}.
   */
  public static AuditReading over(AuditChain chain, SignedHeads signedHeads, PublicKeys hsm) {
    return over(chain, signedHeads, hsm, AuditHeadSink.NONE);
  }

  /** Likewise, and checks the database against the heads exported to {@code sink}. */
  public static AuditReading over(
      AuditChain chain, SignedHeads signedHeads, PublicKeys hsm, AuditHeadSink sink) {
    return new AuditReading(
        new AuditQuery(chain),
        new AuditVerifier(
            chain, signedHeads, hsm, Set.of(AuditHeadSigner.DEFAULT_KEY_LABEL), sink));
  }

  /** For a node that does not serve the audit log through the admin API. */
  static AuditReading unavailable() {
    return new AuditReading();
  }

  AuditQuery query() throws AuditException {
    if (query == null) {
      throw new AuditException("audit reading is not wired on this node");
    }
    return query;
  }

  AuditVerifier verifier() throws AuditException {
    if (verifier == null) {
      throw new AuditException("audit reading is not wired on this node");
    }
    return verifier;
  }
}
