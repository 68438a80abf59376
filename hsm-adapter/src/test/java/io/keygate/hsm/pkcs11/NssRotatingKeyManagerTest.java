package io.keygate.hsm.pkcs11;

import io.keygate.hsm.contract.RotatingKeyManagerContract;
import io.keygate.hsm.testing.NssTokens;
import io.keygate.hsm.testing.TokenFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RotatingKeyManagerContract} on NSS's software token (libsoftokn3). */
class NssRotatingKeyManagerTest extends RotatingKeyManagerContract {
  @RegisterExtension static final NssTokens TOKENS = new NssTokens("rotate");

  @Override
  protected TokenFactory tokens() {
    return TOKENS;
  }
}
