package io.keygate.hsm.pkcs11;

import io.keygate.hsm.contract.LoginContract;
import io.keygate.hsm.testing.NssTokens;
import io.keygate.hsm.testing.TokenFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link LoginContract} on NSS's software token (libsoftokn3). */
class NssLoginTest extends LoginContract {
  @RegisterExtension static final NssTokens TOKENS = new NssTokens("login");

  @Override
  protected TokenFactory tokens() {
    return TOKENS;
  }
}
