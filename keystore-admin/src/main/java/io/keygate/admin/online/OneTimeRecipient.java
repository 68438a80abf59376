package io.keygate.admin.online;

import com.google.protobuf.ByteString;
import io.keygate.admin.cli.AdminException;
import io.keygate.admin.cli.ExitCode;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import javax.crypto.Cipher;

/**
 * An RSA key pair made for one issuance and never stored: the gateway (its HSM) encrypts the new
 * AccessSecret to the public half, so the secret is readable in this process only, and nowhere
 * once it exits. RSA-OAEP with SHA-1 and MGF1-SHA-1 is what PKCS#11 tokens offer for wrapping
 * (SoftHSM refuses SHA-256 there); OAEP's security does not rest on SHA-1's collision resistance.
 */
final class OneTimeRecipient {
  static final int BITS = 3072;
  static final String CIPHER = "RSA/ECB/OAEPWithSHA-1AndMGF1Padding";

  private final KeyPair pair;

  private OneTimeRecipient(KeyPair pair) {
    this.pair = pair;
  }

  static OneTimeRecipient generate() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(BITS);
    return new OneTimeRecipient(g.generateKeyPair());
  }

  ByteString publicKey() {
    return ByteString.copyFrom(pair.getPublic().getEncoded());
  }

  byte[] decrypt(byte[] forRecipient) throws AdminException {
    try {
      Cipher c = Cipher.getInstance(CIPHER);
      c.init(Cipher.DECRYPT_MODE, pair.getPrivate());
      return c.doFinal(forRecipient);
    } catch (GeneralSecurityException e) {
      throw new AdminException(ExitCode.FAILED,
          "the gateway's encrypted secret does not decrypt with this run's key; revoke the"
              + " credential and issue another", e);
    }
  }

  /**
   * The AES-256 transport key of a bulk issuance (admin API 1.4), which the HSM encrypted to this
   * run's key; it opens that call's secrets ({@link BulkSecrets}).
   */
  javax.crypto.SecretKey transportKey(byte[] forRecipient) throws AdminException {
    byte[] raw = decrypt(forRecipient);
    try {
      if (raw.length != 32) {
        throw new AdminException(ExitCode.FAILED, "the gateway's transport key is "
            + raw.length + " bytes, not 32");
      }
      return new javax.crypto.spec.SecretKeySpec(raw, "AES");
    } finally {
      java.util.Arrays.fill(raw, (byte) 0);
    }
  }

  @Override
  public String toString() {
    return "OneTimeRecipient[RSA-" + BITS + "]";
  }
}
