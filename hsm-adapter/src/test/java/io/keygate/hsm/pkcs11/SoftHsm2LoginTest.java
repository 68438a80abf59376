package io.keygate.hsm.pkcs11;

import io.keygate.hsm.contract.LoginContract;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.hsm.testing.TokenFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link LoginContract} on SoftHSM2. */
class SoftHsm2LoginTest extends LoginContract {
  @RegisterExtension static final SoftHsmTokens TOKENS = new SoftHsmTokens("login");

  @Override
  protected TokenFactory tokens() {
    return TOKENS;
  }
}
