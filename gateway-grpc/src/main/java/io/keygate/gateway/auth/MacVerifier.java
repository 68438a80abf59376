package io.keygate.gateway.auth;

import io.keygate.hsm.HsmException;
import io.keygate.hsm.InvalidMacException;
import io.keygate.hsm.KeyLabel;

/**
 * Checks an HMAC-SHA256 with the secret stored under a label. The gateway passes {@code
 * hsmToken::verifyMac}: the HMAC is computed inside the HSM and compared in constant time there.
 */
@FunctionalInterface
public interface MacVerifier {
  /**
   * Returns normally only if {@code mac} is the HMAC of {@code data}.
   *
   * @throws InvalidMacException for a computed mismatch: the verdict on the request
   * @throws HsmException if the HMAC could not be computed: never a verdict on the request
   */
  void verify(KeyLabel label, byte[] data, byte[] mac) throws InvalidMacException, HsmException;
}
