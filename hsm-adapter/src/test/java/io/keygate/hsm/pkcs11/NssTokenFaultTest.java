package io.keygate.hsm.pkcs11;

import io.keygate.hsm.contract.TokenFaultContract;
import io.keygate.hsm.testing.NssTokens;
import io.keygate.hsm.testing.TokenFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link TokenFaultContract} on NSS's software token (libsoftokn3). */
class NssTokenFaultTest extends TokenFaultContract {
  @RegisterExtension static final NssTokens TOKENS = new NssTokens("doomed");

  @Override
  protected TokenFactory tokens() {
    return TOKENS;
  }
}
