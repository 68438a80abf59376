package io.keygate.hsm.pkcs11;

import io.keygate.hsm.contract.HmacContract;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.hsm.testing.TokenFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link HmacContract} on SoftHSM2. */
class SoftHsm2HmacTest extends HmacContract {
  @RegisterExtension static final SoftHsmTokens TOKENS = new SoftHsmTokens("hmac");

  @Override
  protected TokenFactory tokens() {
    return TOKENS;
  }
}
