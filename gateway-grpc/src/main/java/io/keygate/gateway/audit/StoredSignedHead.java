package io.keygate.gateway.audit;

import io.keygate.hsm.KeyLabel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/** One {@code audit_signed_heads} row as stored, possibly forged: nothing is trusted or parsed. */
record StoredSignedHead(
    long seq, String hash, String signature, long signedAtMillis, String keyLabel) {

  static final String COLUMNS = "seq, hash, signature, signed_at, key_label";

  static StoredSignedHead read(ResultSet rs) throws SQLException {
    return new StoredSignedHead(
        rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5));
  }

  static Optional<StoredSignedHead> latest(Connection c) throws SQLException {
    try (PreparedStatement s =
            c.prepareStatement(
                "SELECT " + COLUMNS + " FROM audit_signed_heads ORDER BY seq DESC LIMIT 1");
        ResultSet rs = s.executeQuery()) {
      return rs.next() ? Optional.of(read(rs)) : Optional.empty();
    }
  }

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
