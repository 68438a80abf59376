package io.keygate.gateway.auth;

import io.keygate.gateway.model.Credential;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmOperationException;
import io.keygate.hsm.InvalidMacException;
import io.keygate.hsm.MacKeys;
import io.keygate.hsm.WrappedMacKeys;
import java.util.Optional;

/**
 * Verifies with whichever form a credential's secret takes: a token key of its own (the first
 * design, kept for credentials issued before the key hierarchy), or a blob wrapped under a KEK
 * that the HSM unwraps into a verify-only session key (docs/key-hierarchy.md).
 */
public final class CredentialSecrets implements MacVerifier {
  private final MacKeys tokenKeys;
  private final Optional<WrappedMacKeys> wrapped;

  public CredentialSecrets(MacKeys tokenKeys, Optional<WrappedMacKeys> wrapped) {
    this.tokenKeys = tokenKeys;
    this.wrapped = wrapped;
  }

  @Override
  public void verify(Credential credential, byte[] data, byte[] mac)
      throws InvalidMacException, HsmException {
    if (!credential.isWrapped()) {
      tokenKeys.verifyMac(credential.secretLabel(), data, mac);
      return;
    }
    if (wrapped.isEmpty()) {
      throw new HsmOperationException(
          "credential " + credential.accessKey() + " is wrapped under KEK "
              + credential.wrapped().kek() + " but this node has no key hierarchy open");
    }
    wrapped.get().verifyMac(credential.wrapped(), data, mac);
  }
}
