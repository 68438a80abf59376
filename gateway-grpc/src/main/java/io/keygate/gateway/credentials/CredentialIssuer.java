package io.keygate.gateway.credentials;

import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.model.Credential;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.KeyAdministration;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.SecretBytes;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Locale;

/**
 * Makes a credential: a random AccessKey id and a 32-byte AccessSecret that goes straight into
 * the HSM as a non-extractable key, then the credential row in the store. If the store refuses,
 * the HSM key is destroyed again, so nothing is left half-made.
 */
public final class CredentialIssuer {
  private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
  private static final int SECRET_BYTES = 32;

  private final KeyAdministration hsm;
  private final ConfigStore store;
  private final SecureRandom random;

  public CredentialIssuer(KeyAdministration hsm, ConfigStore store, SecureRandom random) {
    this.hsm = hsm;
    this.store = store;
    this.random = random;
  }

  /**
   * @param notAfter when the credential stops working, or null for no end
   */
  public IssuedCredential issue(String tenantId, String appId, Instant notAfter)
      throws HsmException, StoreException {
    String accessKey = newAccessKey();
    KeyLabel label = labelFor(accessKey);
    SecretBytes secret = SecretBytes.random(SECRET_BYTES, random);
    hsm.importHmacSecret(label, secret);
    try {
      store.addCredential(new Credential(accessKey, appId, tenantId, label, notAfter, false, null));
    } catch (StoreException | RuntimeException e) {
      secret.destroy();
      try {
        hsm.destroyKey(label);
      } catch (HsmException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    return new IssuedCredential(accessKey, secret);
  }

  /** The HSM key label that holds an AccessKey's secret. */
  public static KeyLabel labelFor(String accessKey) {
    return KeyLabel.of("ak-" + accessKey.toLowerCase(Locale.ROOT));
  }

  private String newAccessKey() {
    StringBuilder sb = new StringBuilder("AK");
    for (int i = 0; i < 20; i++) {
      sb.append(ALPHABET[random.nextInt(ALPHABET.length)]);
    }
    return sb.toString();
  }
}
