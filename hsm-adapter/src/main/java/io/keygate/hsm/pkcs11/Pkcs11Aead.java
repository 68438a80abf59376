package io.keygate.hsm.pkcs11;

import io.keygate.hsm.AeadEnvelope;
import io.keygate.hsm.AeadKeys;
import io.keygate.hsm.CiphertextRejectedException;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.KeyType;
import java.security.Key;
import java.security.SecureRandom;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM with token AES keys, sealing into {@link AeadEnvelope}s. The IV comes from the
 * injected random source, never from the caller: callers cannot reuse one by mistake.
 */
final class Pkcs11Aead implements AeadKeys {
  private static final int GCM_TAG_BITS = AeadEnvelope.TAG_BYTES * 8;

  private final Pkcs11Session session;
  private final SecureRandom random;

  Pkcs11Aead(Pkcs11Session session, SecureRandom random) {
    this.session = session;
    this.random = random;
  }

  @Override
  public byte[] encrypt(KeyLabel label, byte[] plaintext, byte[] aad) throws HsmException {
    byte[] iv = new byte[AeadEnvelope.IV_BYTES];
    random.nextBytes(iv);
    byte[] associated = AeadEnvelope.associatedData(AeadEnvelope.prefix(label), aad);
    byte[] sealed =
        session.call(
            "encrypt",
            label,
            () ->
                session.withKey(
                    label,
                    KeyType.AES_256,
                    k -> gcm(Cipher.ENCRYPT_MODE, k, iv, associated, plaintext)));
    return AeadEnvelope.assemble(label, iv, sealed);
  }

  @Override
  public byte[] decrypt(byte[] ciphertext, byte[] aad, Set<KeyLabel> acceptedKeys)
      throws HsmException {
    AeadEnvelope envelope = AeadEnvelope.parse(ciphertext);
    KeyLabel label = envelope.key();
    if (!acceptedKeys.contains(label)) {
      throw new CiphertextRejectedException(
          "ciphertext was sealed under key " + label + ", which this caller does not accept");
    }
    byte[] associated = AeadEnvelope.associatedData(envelope.prefix(), aad);
    byte[] iv = envelope.iv();
    byte[] sealed = envelope.ciphertextAndTag();
    return session.call(
        "decrypt",
        label,
        () ->
            session.withKey(
                label, KeyType.AES_256, k -> gcm(Cipher.DECRYPT_MODE, k, iv, associated, sealed)));
  }

  private byte[] gcm(int mode, Key key, byte[] iv, byte[] aad, byte[] input) throws Exception {
    // "AES_256/GCM/NoPadding" fails: keys loaded from the token misreport their size.
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", session.provider());
    cipher.init(mode, key, new GCMParameterSpec(GCM_TAG_BITS, iv));
    cipher.updateAAD(aad);
    return cipher.doFinal(input);
  }
}
