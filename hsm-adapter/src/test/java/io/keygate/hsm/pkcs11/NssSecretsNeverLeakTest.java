package io.keygate.hsm.pkcs11;

import io.keygate.hsm.contract.SecretsNeverLeakContract;
import io.keygate.hsm.testing.NssTokens;
import io.keygate.hsm.testing.TokenFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link SecretsNeverLeakContract} on NSS's software token (libsoftokn3). */
class NssSecretsNeverLeakTest extends SecretsNeverLeakContract {
  @RegisterExtension static final NssTokens TOKENS = new NssTokens("leak");

  @Override
  protected TokenFactory tokens() {
    return TOKENS;
  }
}
