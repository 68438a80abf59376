package io.keygate.hsm;

import java.security.interfaces.RSAPublicKey;

/**
 * AES-256-GCM payload keys that live outside the token only as blobs wrapped under a payload KEK
 * ({@link KekId#payloadLabel()}): made inside the token, delivered to the requesting officer
 * encrypted to a one-time RSA key, unwrapped inside the token into encrypt-only or decrypt-only
 * session keys when used. The plaintext never enters this process (docs/payload-encryption.md).
 *
 * <p>The IV of every sealing is drawn here, from the adapter's random source: a caller cannot
 * choose, and so cannot reuse, one.
 */
public interface PayloadKeys {

  /**
   * Generates an AES-256 key in the token, wraps it under the payload KEK {@code kek} for storage
   * and encrypts it to {@code recipient} with {@link WrappedMacKeys#RECIPIENT_CIPHER}, then
   * destroys the working copy.
   *
   * @throws KeyNotFoundException if the token has no payload KEK {@code kek}
   */
  IssuedSecret generatePayloadKey(KekId kek, RSAPublicKey recipient) throws HsmException;

  /** Seals {@code plaintext} with a fresh random IV; {@code aad} is authenticated, not sent. */
  GcmSealed seal(WrappedSecret key, byte[] plaintext, byte[] aad) throws HsmException;

  /**
   * Opens a sealing made with {@code key}, {@code iv} and {@code aad}.
   *
   * @throws CiphertextRejectedException if the tag does not verify (wrong key, IV, AAD, or
   *     tampered data)
   * @throws WrappedSecretRejectedException if the blob does not unwrap under its KEK
   */
  byte[] open(WrappedSecret key, byte[] iv, byte[] ciphertextAndTag, byte[] aad)
      throws HsmException;

  /** The same key wrapped under the payload KEK {@code to}, made inside the token. */
  WrappedSecret rewrap(WrappedSecret key, KekId to) throws HsmException;
}
