package io.keygate.gateway.auth;

import io.keygate.gateway.model.Credential;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.InvalidMacException;

/**
 * Checks an HMAC-SHA256 with a credential's secret. The gateway passes a {@link
 * CredentialSecrets}: the HMAC is computed inside the HSM and compared in constant time there.
 */
@FunctionalInterface
public interface MacVerifier {
  /**
   * Returns normally only if {@code mac} is the HMAC of {@code data} under {@code credential}'s
   * secret.
   *
   * @throws InvalidMacException for a computed mismatch: the verdict on the request
   * @throws HsmException if the HMAC could not be computed: never a verdict on the request
   */
  void verify(Credential credential, byte[] data, byte[] mac)
      throws InvalidMacException, HsmException;
}
