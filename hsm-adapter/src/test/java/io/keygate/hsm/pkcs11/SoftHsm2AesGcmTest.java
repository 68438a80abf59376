package io.keygate.hsm.pkcs11;

import io.keygate.hsm.contract.AesGcmContract;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.hsm.testing.TokenFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link AesGcmContract} on SoftHSM2. */
class SoftHsm2AesGcmTest extends AesGcmContract {
  @RegisterExtension static final SoftHsmTokens TOKENS = new SoftHsmTokens("aes");

  @Override
  protected TokenFactory tokens() {
    return TOKENS;
  }
}
