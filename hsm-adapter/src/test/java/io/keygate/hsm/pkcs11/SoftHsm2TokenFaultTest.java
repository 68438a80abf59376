package io.keygate.hsm.pkcs11;

import io.keygate.hsm.contract.TokenFaultContract;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.hsm.testing.TokenFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link TokenFaultContract} on SoftHSM2. */
class SoftHsm2TokenFaultTest extends TokenFaultContract {
  @RegisterExtension static final SoftHsmTokens TOKENS = new SoftHsmTokens("doomed");

  @Override
  protected TokenFactory tokens() {
    return TOKENS;
  }
}
