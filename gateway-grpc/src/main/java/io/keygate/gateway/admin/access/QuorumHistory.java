package io.keygate.gateway.admin.access;

import io.keygate.gateway.store.StoreException;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether M security-officers have ever existed: the one fact that closes the bootstrap window for
 * good. Kept in the config database (table {@code officer_quorum}), shared by every node, never
 * deleted.
 */
public interface QuorumHistory {

  /** When M officers first existed, if they ever did. */
  Optional<Instant> reachedAt() throws StoreException;

  /**
   * Records that {@code officers} officers exist now, {@code required} being M. Keeps the first
   * record: calling it again (on any node, at the same moment too) changes nothing.
   */
  void recordReached(Instant at, int officers, int required) throws StoreException;
}
