package io.keygate.backend.payload;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals and opens version-1 payload envelopes with the JDK's AES/GCM (docs/payload-encryption.md).
 * The IV of every sealing is drawn here from the injected random source: a caller cannot choose,
 * and so cannot reuse, one.
 */
public final class PayloadCipher {
  private final SecureRandom random;

  public PayloadCipher(SecureRandom random) {
    this.random = random;
  }

  /** The envelope of the message at {@code counter} of {@code call}, sealed under {@code key}. */
  public byte[] seal(PayloadKey key, PayloadCall call, long counter, byte[] plaintext) {
    byte[] iv = new byte[PayloadEnvelope.IV_BYTES];
    random.nextBytes(iv);
    try {
      Cipher gcm = gcm(Cipher.ENCRYPT_MODE, key, iv, call.aad(key.id(), counter));
      return new PayloadEnvelope(key.id(), counter, iv, gcm.doFinal(plaintext)).encode();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM refused to seal", e);
    }
  }

  /**
   * Opens the envelope that must be message {@code expectedCounter} of {@code call}, with the key
   * it names among {@code keys} (by id: the current key and those rotated out but still kept).
   */
  public byte[] open(Map<String, PayloadKey> keys, PayloadCall call, long expectedCounter,
      byte[] envelope) throws PayloadException {
    PayloadEnvelope e = PayloadEnvelope.parse(envelope);
    PayloadKey key = keys.get(e.keyId());
    if (key == null) {
      throw new PayloadException(PayloadFailure.KEY_UNKNOWN, "unknown key id " + e.keyId());
    }
    if (e.counter() != expectedCounter) {
      throw new PayloadException(PayloadFailure.COUNTER_OUT_OF_ORDER,
          "counter " + e.counter() + " where " + expectedCounter + " was due");
    }
    try {
      return gcm(Cipher.DECRYPT_MODE, key, e.iv(), call.aad(e.keyId(), e.counter()))
          .doFinal(e.ciphertextAndTag());
    } catch (AEADBadTagException bad) {
      throw new PayloadException(PayloadFailure.REJECTED, "tag does not verify");
    } catch (GeneralSecurityException bad) {
      throw new IllegalStateException("AES/GCM refused to open", bad);
    }
  }

  private static Cipher gcm(int mode, PayloadKey key, byte[] iv, PayloadAad aad)
      throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(mode, key.spec(), new GCMParameterSpec(PayloadEnvelope.TAG_BYTES * 8, iv));
    c.updateAAD(aad.bytes());
    return c;
  }
}
