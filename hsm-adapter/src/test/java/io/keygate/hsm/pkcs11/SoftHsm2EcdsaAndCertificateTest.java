package io.keygate.hsm.pkcs11;

import io.keygate.hsm.contract.EcdsaAndCertificateContract;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.hsm.testing.TokenFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link EcdsaAndCertificateContract} on SoftHSM2. */
class SoftHsm2EcdsaAndCertificateTest extends EcdsaAndCertificateContract {
  @RegisterExtension static final SoftHsmTokens TOKENS = new SoftHsmTokens("ec");

  @Override
  protected TokenFactory tokens() {
    return TOKENS;
  }
}
