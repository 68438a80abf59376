package io.keygate.hsm.pkcs11;

import io.keygate.hsm.contract.ConcurrencyContract;
import io.keygate.hsm.testing.NssTokens;
import io.keygate.hsm.testing.TokenFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ConcurrencyContract} on NSS's software token (libsoftokn3). */
class NssConcurrencyTest extends ConcurrencyContract {
  @RegisterExtension static final NssTokens TOKENS = new NssTokens("busy");

  @Override
  protected TokenFactory tokens() {
    return TOKENS;
  }

  @Override
  protected int roundsPerThread() {
    return 40;
  }
}
