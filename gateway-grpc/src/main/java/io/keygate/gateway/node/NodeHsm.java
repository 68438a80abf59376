package io.keygate.gateway.node;

import io.keygate.hsm.HsmException;
import io.keygate.hsm.PayloadKeys;
import io.keygate.hsm.WrappedMacKeys;
import io.keygate.hsm.pkcs11.DirectPayloadKeys;
import io.keygate.hsm.pkcs11.DirectWrappedMacs;
import io.keygate.hsm.pkcs11.Pkcs11TokenOptions;
import io.keygate.hsm.pkcs11.SunPkcs11Token;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

/** Opens a node's token and key hierarchy from its settings: the node's only PKCS#11 doors. */
final class NodeHsm {

  private NodeHsm() {}

  /**
   * The payload keys on the token the settings name (docs/payload-encryption.md): GCM in the token
   * for every API that encrypts, one session per check that may run at once ({@link
   * io.keygate.gateway.dataplane.CallLimits#concurrentChecks}) and one for the admin plane's
   * issuance; none when the caller handed over a token. With KEYGATE_PAYLOAD_KEK set, the node
   * does not start if the token lacks that payload KEK.
   */
  static Optional<PayloadKeys> openPayloadKeys(NodeSettings settings, Clock clock,
      StartedParts parts) throws Exception {
    if (settings.hsmConfig().isEmpty() || settings.pin().isEmpty()) {
      return Optional.empty();
    }
    DirectPayloadKeys opened = parts.add(DirectPayloadKeys.open(settings.hsmConfig().get(),
        settings.pin().get().read(), settings.calls().concurrentChecks() + 1,
        settings.keys().cacheKeys(), clock, SecureRandom.getInstance("DRBG")));
    if (settings.keys().payloadKek().isPresent()
        && !opened.hasKek(settings.keys().payloadKek().get())) {
      throw new IllegalStateException("KEYGATE_PAYLOAD_KEK names "
          + settings.keys().payloadKek().get() + ", which the token does not hold"
          + " (keystore-admin kek generate-payload makes one)");
    }
    return Optional.of(opened);
  }

  /**
   * The key hierarchy on the token the settings name, sharing the library SunPKCS11 opened; none
   * when the caller handed over a token (and no hierarchy). One session per check that may run at
   * once (lane threads and loops), and one for the admin plane's issuance.
   */
  static Optional<WrappedMacKeys> openHierarchy(NodeSettings settings, Clock clock,
      StartedParts parts) throws Exception {
    if (settings.hsmConfig().isEmpty() || settings.pin().isEmpty()) {
      return Optional.empty();
    }
    DirectWrappedMacs opened = parts.add(DirectWrappedMacs.open(settings.hsmConfig().get(),
        settings.pin().get().read(), settings.calls().concurrentChecks() + 1,
        settings.keys().cacheKeys(), clock));
    if (settings.keys().issuingKek().isPresent()
        && !opened.hasKek(settings.keys().issuingKek().get())) {
      throw new IllegalStateException("KEYGATE_KEK names " + settings.keys().issuingKek().get()
          + ", which the token does not hold (keystore-admin kek generate makes one)");
    }
    if (settings.keys().issuingKek().isPresent()) {
      // A library that does not enforce the KEK's templates (NSS's softokn) would make wrapped
      // secrets no safer than the PIN: refuse to issue under it rather than pretend.
      opened.checkEnforcement(settings.keys().issuingKek().get());
    }
    return Optional.of(opened);
  }

  /** The token the settings name (KEYGATE_HSM_CONFIG, the PIN source), through SunPKCS11. */
  static SunPkcs11Token openToken(NodeSettings settings) throws Exception {
    if (settings.hsmConfig().isEmpty() || settings.pin().isEmpty()) {
      throw new IllegalStateException("no token: set KEYGATE_HSM_CONFIG or hand the builder one");
    }
    return SunPkcs11Token.open(
        settings.hsmConfig().get(), settings.pin().get().read(), Pkcs11TokenOptions.defaults());
  }
}
