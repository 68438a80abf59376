package io.keygate.gateway.audit;

import io.keygate.hsm.KeyLabel;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * One {@code audit_signed_heads} row as stored (see {@link SignedHeads}), possibly forged: nothing
 * is trusted or parsed.
 */
public record StoredSignedHead(
    long seq, String hash, String signature, long signedAtMillis, String keyLabel) {

  static StoredSignedHead of(SignedHead h) {
    return new StoredSignedHead(
        h.seq(), h.hash(), h.signature(), h.signedAt().toEpochMilli(), h.keyLabel().value());
  }

  /** The label if it is a valid one. */
  Optional<KeyLabel> label() {
    try {
      return Optional.of(KeyLabel.of(keyLabel));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The DER signature, or null if the column is not hex. */
  byte[] signatureBytes() {
    try {
      return signature == null ? null : HexFormat.of().parseHex(signature);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  SignedHead toSignedHead() {
    return new SignedHead(
        seq, hash, signature, Instant.ofEpochMilli(signedAtMillis), label().orElseThrow());
  }
}
