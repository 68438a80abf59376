package io.keygate.hsm.pkcs11;

import io.keygate.hsm.contract.TlsHandshakeContract;
import io.keygate.hsm.testing.NssTokens;
import io.keygate.hsm.testing.TokenFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link TlsHandshakeContract} on NSS's software token (libsoftokn3). */
class NssTlsHandshakeTest extends TlsHandshakeContract {
  @RegisterExtension static final NssTokens TOKENS = new NssTokens("tls");

  @Override
  protected TokenFactory tokens() {
    return TOKENS;
  }
}
