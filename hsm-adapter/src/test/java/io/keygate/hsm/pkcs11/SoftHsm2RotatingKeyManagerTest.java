package io.keygate.hsm.pkcs11;

import io.keygate.hsm.contract.RotatingKeyManagerContract;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.hsm.testing.TokenFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RotatingKeyManagerContract} on SoftHSM2. */
class SoftHsm2RotatingKeyManagerTest extends RotatingKeyManagerContract {
  @RegisterExtension static final SoftHsmTokens TOKENS = new SoftHsmTokens("rotate");

  @Override
  protected TokenFactory tokens() {
    return TOKENS;
  }
}
