package io.keygate.hsm.pkcs11;

import io.keygate.hsm.contract.HmacContract;
import io.keygate.hsm.testing.NssTokens;
import io.keygate.hsm.testing.TokenFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link HmacContract} on NSS's software token (libsoftokn3). */
class NssHmacTest extends HmacContract {
  @RegisterExtension static final NssTokens TOKENS = new NssTokens("hmac");

  @Override
  protected TokenFactory tokens() {
    return TOKENS;
  }
}
