package io.keygate.hsm.pkcs11;

import io.keygate.hsm.HsmException;
import io.keygate.hsm.InvalidMacException;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.KeyType;
import io.keygate.hsm.MacKeys;
import java.security.MessageDigest;

/** HMAC-SHA256 with token generic-secret keys. */
final class Pkcs11Macs implements MacKeys {
  private final Pkcs11Session session;

  Pkcs11Macs(Pkcs11Session session) {
    this.session = session;
  }

  @Override
  public byte[] mac(KeyLabel label, byte[] data) throws HsmException {
    return session.call(
        "mac", label, () -> session.withKey(label, KeyType.HMAC_SECRET, k -> session.hmac(k, data)));
  }

  @Override
  public void verifyMac(KeyLabel label, byte[] data, byte[] expectedMac)
      throws InvalidMacException, HsmException {
    byte[] actual =
        session.call(
            "verify-mac",
            label,
            () -> session.withKey(label, KeyType.HMAC_SECRET, k -> session.hmac(k, data)));
    // MessageDigest.isEqual compares in time independent of where the bytes differ.
    if (expectedMac == null || !MessageDigest.isEqual(actual, expectedMac)) {
      throw new InvalidMacException(label);
    }
  }
}
