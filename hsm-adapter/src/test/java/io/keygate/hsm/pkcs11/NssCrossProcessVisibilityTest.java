package io.keygate.hsm.pkcs11;

import io.keygate.hsm.contract.CrossProcessVisibilityContract;
import io.keygate.hsm.testing.NssTokens;
import io.keygate.hsm.testing.TokenFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link CrossProcessVisibilityContract} on NSS's software token (libsoftokn3). */
class NssCrossProcessVisibilityTest extends CrossProcessVisibilityContract {
  @RegisterExtension static final NssTokens TOKENS = new NssTokens("shared");

  @Override
  protected TokenFactory tokens() {
    return TOKENS;
  }
}
