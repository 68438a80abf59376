package io.keygate.gateway.node;

import io.keygate.gateway.auth.InMemoryNonceStore;
import io.keygate.gateway.auth.NonceStore;
import io.keygate.gateway.auth.NonceStoreUnavailableException;
import io.keygate.gateway.store.redis.RedisNonceStore;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;

/** Chooses and opens a node's replay store from its settings (KEYGATE_NONCE_STORE). */
final class NodeNonceStore {
  // Shared nonces are kept this much past their window, so that a node whose clock runs behind
  // another's cannot accept a nonce the other has already forgotten.
  private static final Duration NONCE_SKEW_ALLOWANCE = Duration.ofSeconds(2);
  private static final Logger LOG = System.getLogger("io.keygate.gateway");

  private NodeNonceStore() {}

  /**
   * In-process nonces for one node; Redis for a cluster, where a call accepted by one node must
   * be a replay to every other. The Redis pool is closed with the node; nonce checks run on the
   * HSM lane's threads, so that many connections (and one for the start-up check) are enough.
   */
  static NonceStore open(NodeSettings settings, Clock clock, StartedParts parts)
      throws Exception {
    if (settings.redisNonces().isEmpty()) {
      LOG.log(Level.INFO, "nonce store: in-process, " + settings.nonceCapacity()
          + " nonces (" + settings.noncesPerKey() + " per AccessKey, "
          + settings.noncesPerTenant() + " per tenant)");
      return new InMemoryNonceStore(clock, settings.nonceCapacity(), settings.noncesPerKey(),
          settings.noncesPerTenant());
    }
    RedisNonceStore redis = parts.add(RedisNonceStore.open(settings.redisNonces().get(), clock,
        settings.noncesPerKey(), settings.calls().concurrentChecks() + 1, NONCE_SKEW_ALLOWANCE));
    LOG.log(Level.INFO, "nonce store: " + redis + ", " + settings.noncesPerKey()
        + " nonces per AccessKey");
    try {
      redis.ping();
    } catch (NonceStoreUnavailableException e) {
      // Not fatal: Redis may come up after the node. Until it answers, signed calls fail closed.
      LOG.log(Level.WARNING, "the nonce store does not answer yet (" + e.getMessage()
          + "); signed calls are refused as UNAVAILABLE until it does");
    }
    return redis;
  }
}
