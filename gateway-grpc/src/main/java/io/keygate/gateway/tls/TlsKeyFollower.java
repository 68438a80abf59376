package io.keygate.gateway.tls;

import io.keygate.gateway.store.StoreException;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.TlsKeys;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.tls.RotatingKeyManager;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps this node's listeners on the keys {@link ActiveTlsKeys} names: polls, and when a
 * listener's key changed, loads the new key's manager from the HSM and installs it in the
 * listener's {@link RotatingKeyManager}. New handshakes use the new key from then on; live
 * connections are not touched.
 *
 * <p>If the new key cannot be used here (not in this node's token, no certificate, HSM down) the
 * listener keeps serving its current key, the failure is logged at ERROR on every poll, and the
 * switch happens as soon as the key becomes usable: a rotation must never take a node off the
 * air.
 */
public final class TlsKeyFollower implements AutoCloseable {
  /** How often nodes look for a new key; bounds how long a rotation takes to reach every node. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

  private static final Logger LOG = System.getLogger("io.keygate.gateway.tls");

  private final ActiveTlsKeys active;
  private final TlsKeys hsm;
  private final String nodeId;
  private final Clock clock;
  private final Map<TlsListener, RotatingKeyManager> listeners;
  private final ScheduledExecutorService scheduler;
  private final Duration interval;
  private ScheduledFuture<?> task;

  /**
   * Follows no listener until {@link #follow} names them (they start after the admin plane).
   *
   * @param nodeId this node, as it reports what it serves (a random id per process is enough)
   */
  public TlsKeyFollower(
      ActiveTlsKeys active,
      TlsKeys hsm,
      String nodeId,
      Clock clock,
      ScheduledExecutorService scheduler,
      Duration interval) {
    this.active = Objects.requireNonNull(active, "active");
    this.hsm = Objects.requireNonNull(hsm, "hsm");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.listeners = new EnumMap<>(TlsListener.class);
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.interval = Objects.requireNonNull(interval, "interval");
  }

  /** Keeps {@code keys} (a listener's key manager) on the key assigned to {@code listener}. */
  public synchronized void follow(TlsListener listener, RotatingKeyManager keys) {
    listeners.put(Objects.requireNonNull(listener), Objects.requireNonNull(keys));
  }

  public synchronized void start() {
    if (task == null) {
      long ms = interval.toMillis();
      task = scheduler.scheduleWithFixedDelay(this::pollQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Brings every listener to its assigned key now (the scheduled poll does the same).
   *
   * @return how many listeners switched
   * @throws StoreException if the assignments cannot be read (nothing changes)
   */
  public synchronized int pollNow() throws StoreException {
    Map<TlsListener, KeyLabel> wanted = active.assignments();
    int switched = 0;
    for (Map.Entry<TlsListener, RotatingKeyManager> e : listeners.entrySet()) {
      KeyLabel label = wanted.get(e.getKey());
      RotatingKeyManager keys = e.getValue();
      if (label == null || label.value().equals(keys.currentAlias())) {
        continue;
      }
      try {
        String previous = keys.install(label.value(), hsm.tlsKeyManager(label));
        switched++;
        LOG.log(Level.INFO, "{0} listener: new handshakes now use TLS key {1} (was {2}),"
                + " certificate {3}", e.getKey().wireName(), label, previous,
            keys.currentCertificate().getSubjectX500Principal());
      } catch (HsmException | RuntimeException failure) {
        LOG.log(Level.ERROR, "{0} listener: cannot switch to TLS key {1}, still serving {2}: {3}",
            e.getKey().wireName(), label, keys.currentAlias(), failure.getMessage());
      }
    }
    // What this node really serves, switched or not: destroying a key checks every node's.
    for (Map.Entry<TlsListener, RotatingKeyManager> e : listeners.entrySet()) {
      active.reportServed(
          nodeId, e.getKey(), KeyLabel.of(e.getValue().currentAlias()), clock.instant());
    }
    return switched;
  }

  /** {@link #pollNow()}, logging instead of throwing: for schedules and after an activation. */
  public void pollQuietly() {
    try {
      pollNow();
    } catch (StoreException | RuntimeException e) {
      LOG.log(Level.WARNING, "TLS key assignments unreadable, keeping current keys: {0}",
          e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    if (task != null) {
      task.cancel(false);
      task = null;
    }
  }
}
