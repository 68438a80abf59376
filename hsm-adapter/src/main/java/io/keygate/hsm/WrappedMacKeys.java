package io.keygate.hsm;

import java.security.interfaces.RSAPublicKey;

/**
 * HMAC-SHA256 secrets that live outside the token only as blobs wrapped under a KEK ({@link
 * WrappedSecret}): made inside the token, unwrapped inside the token into verify-only session keys
 * when used, rewrapped inside the token when a KEK is rotated. The plaintext never enters this
 * process.
 */
public interface WrappedMacKeys {

  /** The padding the recipient's tool must use to decrypt {@link IssuedSecret#forRecipient()}. */
  String RECIPIENT_CIPHER = "RSA/ECB/OAEPWithSHA-1AndMGF1Padding";

  /** The least RSA modulus the token will encrypt a new secret to. */
  int MIN_RECIPIENT_BITS = 3072;

  /**
   * Generates a {@code secretBytes}-byte secret in the token, wraps it under {@code kek} for
   * storage and encrypts it to {@code recipient} with {@link #RECIPIENT_CIPHER}, then destroys the
   * working copy.
   *
   * @throws KeyNotFoundException if the token has no KEK {@code kek}
   */
  IssuedSecret generateHmacSecret(KekId kek, int secretBytes, RSAPublicKey recipient)
      throws HsmException;

  /** The most secrets {@link #generateHmacSecrets} makes in one call. */
  int MAX_BATCH = 10_000;

  /**
   * Generates {@code count} secrets of {@code secretBytes} bytes in the token for one requester:
   * each wrapped under {@code kek} for storage and under a one-time AES-256 transport key made for
   * this call, which is encrypted to {@code recipient} with {@link #RECIPIENT_CIPHER}. The working
   * copies and the transport key are destroyed before this returns (docs/key-hierarchy.md, "Bulk
   * issuance").
   *
   * @throws KeyNotFoundException if the token has no KEK {@code kek}
   * @throws IllegalArgumentException if {@code count} is not 1 to {@link #MAX_BATCH}
   */
  IssuedSecretBatch generateHmacSecrets(KekId kek, int secretBytes, int count,
      RSAPublicKey recipient) throws HsmException;

  /**
   * Computes HMAC-SHA256 of {@code data} with the secret inside the token and returns normally
   * only if it equals {@code mac}. The secret is unwrapped into a verify-only session key once and
   * kept in a bounded cache.
   *
   * @throws InvalidMacException if the MAC was computed and differs (including a wrong length)
   * @throws WrappedSecretRejectedException if the blob does not unwrap under its KEK
   * @throws KeyNotFoundException if the token has no such KEK
   * @throws HsmException if the MAC could not be computed: never a verdict on the data
   */
  void verifyMac(WrappedSecret secret, byte[] data, byte[] mac)
      throws InvalidMacException, HsmException;

  /**
   * The same secret wrapped under {@code to}, made inside the token (KEK rotation). Both KEKs must
   * be trusted KEKs of this token.
   */
  WrappedSecret rewrap(WrappedSecret secret, KekId to) throws HsmException;

  /** Whether the token holds the KEK {@code kek}. */
  boolean hasKek(KekId kek) throws HsmException;

  /**
   * Checks, with throwaway session keys under {@code kek}, that the token enforces what the
   * hierarchy's promises rest on: the KEK's unwrap template (no readable or signing copy of a
   * secret) and CKA_EXTRACTABLE=false (no copy wrapped under a key of one's own). A node issuing
   * under {@code kek} runs it at start. SoftHSM2 passes; NSS's softokn fails both
   * (docs/key-hierarchy.md).
   *
   * @throws HsmOperationException naming the rule the token did not enforce
   */
  void checkEnforcement(KekId kek) throws HsmException;

  /**
   * Destroys the KEK {@code kek} in the token, as the node's user (the token lets a PIN holder
   * destroy the officer's KEK: docs/key-hierarchy.md, "Destroying an old KEK"). Every blob still
   * wrapped under it becomes useless for good, so the caller first makes sure none is stored.
   * Keys this process unwrapped under it are destroyed too, so nothing verifies under a destroyed
   * KEK here any more.
   *
   * @throws KeyNotFoundException if the token has no KEK {@code kek}
   */
  void destroyKek(KekId kek) throws HsmException;
}
