package io.keygate.hsm;

/** HMAC-SHA256 keys: compute and verify inside the token (a Tink "MAC" primitive). */
public interface MacKeys {

  /** HMAC-SHA256 of {@code data} computed in the token. */
  byte[] mac(KeyLabel label, byte[] data) throws HsmException;

  /**
   * Computes HMAC-SHA256 in the token and compares it with {@code expectedMac} in constant time.
   * Returns normally only if they are equal.
   *
   * @throws InvalidMacException if the MAC was computed and differs (including a wrong length)
   * @throws HsmException if the MAC could not be computed: never a verdict on the data
   */
  void verifyMac(KeyLabel label, byte[] data, byte[] expectedMac)
      throws InvalidMacException, HsmException;
}
