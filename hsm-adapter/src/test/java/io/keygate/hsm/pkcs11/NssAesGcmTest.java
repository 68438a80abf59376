package io.keygate.hsm.pkcs11;

import io.keygate.hsm.contract.AesGcmContract;
import io.keygate.hsm.testing.NssTokens;
import io.keygate.hsm.testing.TokenFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link AesGcmContract} on NSS's software token (libsoftokn3). */
class NssAesGcmTest extends AesGcmContract {
  @RegisterExtension static final NssTokens TOKENS = new NssTokens("aes");

  @Override
  protected TokenFactory tokens() {
    return TOKENS;
  }
}
