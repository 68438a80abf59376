package io.keygate.gateway.credentials;

import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.store.StoreException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers when each AccessKey last authenticated a call and writes it to the store in batches,
 * so officers can see that an old credential is no longer used before retiring it, without a
 * database write on the hot path. Only authenticated keys enter, so the map is bounded by the
 * number of credentials.
 */
public final class LastUsedTracker {
  private static final Logger LOG = System.getLogger("io.keygate.gateway.credentials");
  private final ConcurrentHashMap<String, Instant> pending = new ConcurrentHashMap<>();

  public void used(String accessKey, Instant when) {
    pending.merge(accessKey, when, (a, b) -> a.isAfter(b) ? a : b);
  }

  /** Writes what accumulated; a key whose write fails is kept for the next flush. */
  public void flush(ConfigStore store) {
    for (Map.Entry<String, Instant> e : pending.entrySet()) {
      if (!pending.remove(e.getKey(), e.getValue())) {
        continue;
      }
      try {
        store.recordLastUsed(e.getKey(), e.getValue());
      } catch (StoreException | RuntimeException failure) {
        used(e.getKey(), e.getValue());
        LOG.log(Level.WARNING, "cannot record last use of {0}: {1}", e.getKey(), failure.getMessage());
        return;
      }
    }
  }

  public int pendingCount() {
    return pending.size();
  }
}
