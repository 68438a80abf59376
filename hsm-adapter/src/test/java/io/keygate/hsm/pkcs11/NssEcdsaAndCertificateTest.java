package io.keygate.hsm.pkcs11;

import io.keygate.hsm.contract.EcdsaAndCertificateContract;
import io.keygate.hsm.testing.NssTokens;
import io.keygate.hsm.testing.TokenFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link EcdsaAndCertificateContract} on NSS's software token (libsoftokn3). */
class NssEcdsaAndCertificateTest extends EcdsaAndCertificateContract {
  @RegisterExtension static final NssTokens TOKENS = new NssTokens("ec");

  @Override
  protected TokenFactory tokens() {
    return TOKENS;
  }
}
