package io.keygate.hsm;

import java.util.Set;

/**
 * AES-256-GCM keys (a Tink "AEAD" primitive). The token chooses every IV itself, and each
 * ciphertext is an {@link AeadEnvelope} naming the key that sealed it, so data sealed before a
 * key rotation still opens as long as its key is kept.
 */
public interface AeadKeys {

  /**
   * Seals {@code plaintext} under the key {@code label} with a fresh random 12-byte IV.
   *
   * @param aad associated data that is authenticated but not encrypted; may be null (= empty)
   * @return an {@link AeadEnvelope}: version, key id, IV, ciphertext and tag
   */
  byte[] encrypt(KeyLabel label, byte[] plaintext, byte[] aad) throws HsmException;

  /**
   * Opens an {@link AeadEnvelope} with the key it names, provided that key is one the caller
   * accepts (e.g. the current and the previous payload key of one tenant): a ciphertext sealed
   * under someone else's key is refused even though the token holds that key.
   *
   * @throws CiphertextRejectedException if the envelope is malformed, names a key not in {@code
   *     acceptedKeys}, or fails authentication (wrong key, AAD, or tampered data)
   */
  byte[] decrypt(byte[] ciphertext, byte[] aad, Set<KeyLabel> acceptedKeys) throws HsmException;
}
