package io.keygate.hsm.pkcs11;

import io.keygate.hsm.contract.TlsHandshakeContract;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.hsm.testing.TokenFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link TlsHandshakeContract} on SoftHSM2. */
class SoftHsm2TlsHandshakeTest extends TlsHandshakeContract {
  @RegisterExtension static final SoftHsmTokens TOKENS = new SoftHsmTokens("tls");

  @Override
  protected TokenFactory tokens() {
    return TOKENS;
  }
}
