package io.keygate.gateway.auth;

import io.keygate.gateway.model.Credential;
import io.keygate.hsm.InvalidMacException;
import io.keygate.hsm.KeyLabel;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 in software, standing in for the HSM in unit tests: labels map to secrets, and it
 * counts its calls so tests can see that cheap checks run first.
 */
final class SoftwareMacVerifier implements MacVerifier {
  private final Map<KeyLabel, byte[]> secrets = new HashMap<>();
  final AtomicInteger calls = new AtomicInteger();

  SoftwareMacVerifier with(KeyLabel label, byte[] secret) {
    secrets.put(label, secret.clone());
    return this;
  }

  @Override
  public void verify(Credential credential, byte[] data, byte[] mac) throws InvalidMacException {
    KeyLabel label = credential.secretLabel();
    calls.incrementAndGet();
    byte[] secret = secrets.get(label);
    if (secret == null) {
      throw new IllegalStateException("test set-up: no secret for " + label);
    }
    if (mac == null || !MessageDigest.isEqual(hmac(secret, data), mac)) {
      throw new InvalidMacException(label);
    }
  }

  static byte[] hmac(byte[] secret, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256", "SunJCE");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
