package io.keygate.hsm.pkcs11;

import io.keygate.hsm.contract.CrossProcessVisibilityContract;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.hsm.testing.TokenFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link CrossProcessVisibilityContract} on SoftHSM2. */
class SoftHsm2CrossProcessVisibilityTest extends CrossProcessVisibilityContract {
  @RegisterExtension static final SoftHsmTokens TOKENS = new SoftHsmTokens("shared");

  @Override
  protected TokenFactory tokens() {
    return TOKENS;
  }
}
