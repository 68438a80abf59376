package io.keygate.gateway.auth;

import java.time.Instant;

/**
 * Remembers the nonces accepted per AccessKey until they can no longer be replayed. In-process by
 * default ({@link InMemoryNonceStore}); a shared store (Redis, {@code SET key NX PXAT}) when several
 * gateway nodes serve one cluster.
 */
public interface NonceStore {
  /**
   * Records the nonce unless it is already remembered for this AccessKey, atomically.
   *
   * @param tenantId the tenant the AccessKey belongs to: a store bounds each tenant's share of its
   *     room, so that one tenant cannot fill it for all others
   * @param expiresAt the last instant at which a replay could pass the timestamp check; the nonce
   *     must be remembered at least until then (inclusive)
   * @return true if the nonce was new and is now recorded; false if it was seen before
   * @throws NonceStoreUnavailableException if the store cannot answer; the caller must fail closed
   */
  boolean recordIfFirstSeen(String tenantId, String accessKey, String nonce, Instant expiresAt)
      throws NonceStoreUnavailableException;

  /**
   * Returns if the store can serve now, or throws: a cheap check for health probes, bounded by
   * the store's own timeout. The in-process store always can.
   *
   * @throws NonceStoreUnavailableException if it cannot (signed calls would fail closed)
   */
  default void probe() throws NonceStoreUnavailableException {}
}
