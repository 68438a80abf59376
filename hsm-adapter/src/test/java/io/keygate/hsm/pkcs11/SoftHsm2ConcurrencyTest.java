package io.keygate.hsm.pkcs11;

import io.keygate.hsm.contract.ConcurrencyContract;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.hsm.testing.TokenFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ConcurrencyContract} on SoftHSM2. */
class SoftHsm2ConcurrencyTest extends ConcurrencyContract {
  @RegisterExtension static final SoftHsmTokens TOKENS = new SoftHsmTokens("busy");

  @Override
  protected TokenFactory tokens() {
    return TOKENS;
  }
}
