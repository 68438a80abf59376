package io.keygate.gateway.auth;

import java.time.Clock;

/** The in-process store meets the contract every nonce store meets. */
class InMemoryNonceStoreContractTest extends NonceStoreContract {
  @Override
  protected NonceStore store(Clock clock, int perKeyShare) {
    return new InMemoryNonceStore(clock, 1_000, perKeyShare);
  }
}
