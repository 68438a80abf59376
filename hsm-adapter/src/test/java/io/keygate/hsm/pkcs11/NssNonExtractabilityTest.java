package io.keygate.hsm.pkcs11;

import io.keygate.hsm.contract.NonExtractabilityContract;
import io.keygate.hsm.testing.NssTokens;
import io.keygate.hsm.testing.TokenFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link NonExtractabilityContract} on NSS's software token (libsoftokn3). */
class NssNonExtractabilityTest extends NonExtractabilityContract {
  @RegisterExtension static final NssTokens TOKENS = new NssTokens("extract");

  @Override
  protected TokenFactory tokens() {
    return TOKENS;
  }
}
