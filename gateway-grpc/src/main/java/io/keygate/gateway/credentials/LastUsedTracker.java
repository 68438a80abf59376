package io.keygate.gateway.credentials;

import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.store.StoreException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers when each AccessKey last authenticated a call and writes it to the store in batches,
 * so officers can see that an old credential is no longer used before retiring it, without a
 * database write on the hot path. Only authenticated keys enter, so the map is bounded by the
 * number of credentials.
 *
 * <p>A flush writes up to {@link #WRITE_CHUNK} keys a transaction: a node whose calls use
 * thousands of keys wrote one autocommitted row a key every flush, and at 5,000 keys that took
 * about 5 µs of CPU a call from the data plane, in bursts (docs/benchmarks.md).
 */
public final class LastUsedTracker {
  /** Keys written in one transaction: bounds a transaction's size and its locks. */
  static final int WRITE_CHUNK = 1_000;
  private static final Logger LOG = System.getLogger("io.keygate.gateway.credentials");
  private final ConcurrentHashMap<String, Instant> pending = new ConcurrentHashMap<>();

  public void used(String accessKey, Instant when) {
    pending.merge(accessKey, when, (a, b) -> a.isAfter(b) ? a : b);
  }

  /**
   * Writes what accumulated, {@link #WRITE_CHUNK} keys at a time. If a write fails, its keys and
   * every key not yet written are kept for the next flush, and the failure is logged.
   */
  public void flush(ConfigStore store) {
    Map<String, Instant> chunk = new HashMap<>();
    for (Map.Entry<String, Instant> e : pending.entrySet()) {
      if (pending.remove(e.getKey(), e.getValue())) {
        chunk.put(e.getKey(), e.getValue());
      }
      if (chunk.size() == WRITE_CHUNK) {
        if (!write(store, chunk)) {
          return;
        }
        chunk = new HashMap<>();
      }
    }
    if (!chunk.isEmpty()) {
      write(store, chunk);
    }
  }

  private boolean write(ConfigStore store, Map<String, Instant> chunk) {
    try {
      store.recordLastUses(chunk);
      return true;
    } catch (StoreException | RuntimeException failure) {
      chunk.forEach(this::used);
      LOG.log(Level.WARNING, "cannot record the last use of {0} keys, kept for the next flush: {1}",
          chunk.size(), failure.getMessage());
      return false;
    }
  }

  public int pendingCount() {
    return pending.size();
  }
}
