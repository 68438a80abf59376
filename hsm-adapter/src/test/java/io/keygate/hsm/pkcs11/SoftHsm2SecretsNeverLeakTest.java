package io.keygate.hsm.pkcs11;

import io.keygate.hsm.contract.SecretsNeverLeakContract;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.hsm.testing.TokenFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link SecretsNeverLeakContract} on SoftHSM2. */
class SoftHsm2SecretsNeverLeakTest extends SecretsNeverLeakContract {
  @RegisterExtension static final SoftHsmTokens TOKENS = new SoftHsmTokens("leak");

  @Override
  protected TokenFactory tokens() {
    return TOKENS;
  }
}
