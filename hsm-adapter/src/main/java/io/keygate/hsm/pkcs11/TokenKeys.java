package io.keygate.hsm.pkcs11;

import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.Pin;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The token's key list, seen through SunPKCS11's KeyStore, with a cache of key handles. A lookup
 * that misses re-reads the token (KeyStore.load, 25-190 ms on SoftHSM, growing with the number of
 * objects) so keys created by another process appear without a restart; re-reads are
 * rate-limited so unknown labels cannot turn into a flood of reloads.
 *
 * <p>A re-read keeps the handles already cached: a handle stays valid as long as its object
 * exists, and one whose object another process destroyed or replaced fails with a handle-gone
 * error, on which the caller {@link #forget}s that one label and looks it up again. Clearing the
 * whole cache on every re-read made every call in flight look its key up again at once.
 */
final class TokenKeys {
  private final KeyStore keyStore;
  private final Pin pin;
  private final Clock clock;
  private final Duration minRefreshInterval;
  private final ConcurrentHashMap<KeyLabel, Key> handles = new ConcurrentHashMap<>();
  private final Object refreshLock = new Object();
  private volatile Instant lastRefresh = Instant.MIN;
  private long refreshes; // guarded by refreshLock

  TokenKeys(KeyStore keyStore, Pin pin, Clock clock, Duration minRefreshInterval) {
    this.keyStore = keyStore;
    this.pin = pin;
    this.clock = clock;
    this.minRefreshInterval = minRefreshInterval;
  }

  KeyStore store() {
    return keyStore;
  }

  /** Logs in and reads the key list; also used to pick up other processes' changes. */
  void refresh() throws GeneralSecurityException, IOException {
    synchronized (refreshLock) {
      keyStore.load(null, pin.unsafeChars());
      lastRefresh = clock.instant();
      refreshes++;
    }
  }

  /** How many times the token's key list was re-read (a cost that grows with the token). */
  long refreshes() {
    synchronized (refreshLock) {
      return refreshes;
    }
  }

  /** The key under {@code label}, re-reading the token once if it is not known yet; or null. */
  Key find(KeyLabel label) throws GeneralSecurityException, IOException {
    Key key = handles.get(label);
    if (key != null) {
      return key;
    }
    key = lookup(label);
    if (key == null) {
      Instant missedAt = clock.instant();
      synchronized (refreshLock) {
        // Another thread may have re-read the token while we waited for the lock.
        boolean reReadSinceMiss = !lastRefresh.isBefore(missedAt);
        boolean due = !clock.instant().isBefore(lastRefresh.plus(minRefreshInterval));
        if (!reReadSinceMiss && due) {
          refresh();
        }
      }
      key = lookup(label);
    }
    return key;
  }

  private Key lookup(KeyLabel label) throws GeneralSecurityException {
    if (!keyStore.containsAlias(label.value())) {
      return null;
    }
    Key key = keyStore.getKey(label.value(), null);
    if (key != null) {
      handles.put(label, key);
    }
    return key;
  }

  boolean contains(KeyLabel label) throws GeneralSecurityException {
    return keyStore.containsAlias(label.value());
  }

  void forget(KeyLabel label) {
    handles.remove(label);
  }
}
