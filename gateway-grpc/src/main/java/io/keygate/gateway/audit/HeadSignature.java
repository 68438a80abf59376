package io.keygate.gateway.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;

/**
 * What an audit head signature signs, byte for byte (docs/audit.md):
 *
 * <pre>
 * "keygate-audit-head-v1" (21 ASCII bytes) || 0x00
 *   || seq (8 bytes, big-endian) || hash (32 bytes) || signed_at (8 bytes, big-endian, ms)
 * </pre>
 *
 * Fixed length, so unambiguous. The leading context string keeps these signatures from being
 * mistaken for anything else the key could ever sign, and signed_at is covered so the time a head
 * was vouched for cannot be moved. Signed with SHA256withECDSA (P-256), signature in DER.
 *
 * <p>Verification runs in software with SunEC, named explicitly (never the provider order): the
 * public key is not secret, and checking in software means a verifier needs no private key.
 */
final class HeadSignature {
  static final String CONTEXT = "keygate-audit-head-v1";
  static final String ALGORITHM = "SHA256withECDSA";

  private HeadSignature() {}

  static byte[] input(long seq, byte[] hash, long signedAtMillis) {
    if (hash.length != RecordHash.LENGTH) {
      throw new IllegalArgumentException("hash must be 32 bytes");
    }
    byte[] context = CONTEXT.getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocate(context.length + 1 + 8 + RecordHash.LENGTH + 8)
        .put(context)
        .put((byte) 0)
        .putLong(seq)
        .put(hash)
        .putLong(signedAtMillis)
        .array();
  }

  /** The token's public key re-made as a SunEC key, so verification never touches the HSM. */
  static PublicKey softwareKey(PublicKey key) throws GeneralSecurityException {
    return KeyFactory.getInstance("EC", sunEc())
        .generatePublic(new X509EncodedKeySpec(key.getEncoded()));
  }

  /** True only for a well-formed signature by {@code key} over this head; never throws for junk. */
  static boolean verifies(PublicKey key, StoredSignedHead head) {
    byte[] hash = RecordHash.parse(head.hash());
    byte[] der = head.signatureBytes();
    if (hash == null || der == null) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance(ALGORITHM, sunEc());
      verifier.initVerify(key);
      verifier.update(input(head.seq(), hash, head.signedAtMillis()));
      return verifier.verify(der);
    } catch (GeneralSecurityException e) {
      return false; // malformed DER is a bad signature, not an error of the verifier
    }
  }

  private static Provider sunEc() throws GeneralSecurityException {
    Provider p = Security.getProvider("SunEC");
    if (p == null) {
      throw new GeneralSecurityException("the SunEC provider is not available");
    }
    return p;
  }
}
