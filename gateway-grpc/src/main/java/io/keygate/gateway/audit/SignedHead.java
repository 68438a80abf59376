package io.keygate.gateway.audit;

import io.keygate.hsm.KeyLabel;
import java.time.Instant;
import java.util.Objects;

/**
 * A chain head vouched for by an HSM key: the record at {@code seq} had {@code hash} at {@code
 * signedAt}. One row of {@code audit_signed_heads}.
 *
 * @param hash 64 lowercase hex digits
 * @param signature hex of the DER SHA256withECDSA signature over {@link HeadSignature#input}
 */
public record SignedHead(
    long seq, String hash, String signature, Instant signedAt, KeyLabel keyLabel) {
  public SignedHead {
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(signedAt, "signedAt");
    Objects.requireNonNull(keyLabel, "keyLabel");
  }
}
