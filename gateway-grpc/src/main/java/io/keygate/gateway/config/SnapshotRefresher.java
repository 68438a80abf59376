package io.keygate.gateway.config;

import io.keygate.gateway.store.StoreException;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds the {@link ConfigSnapshot} the hot path reads and keeps it in step with the store.
 *
 * <p>Every poll interval it reads {@link ConfigStore#currentVersion()} (one row) and, when that
 * differs from the snapshot's, makes a new snapshot and swaps it in atomically: the current one
 * moved forward by {@link ConfigStore#changesSince what changed}, or, when the store cannot say
 * (first load, a node far behind, a store restored to an older version), a whole load. A node
 * therefore sees a committed write after at most one poll interval plus one load
 * ({@link #staleness()}), and a revoke among a million credentials costs a few rows.
 *
 * <p>When the store cannot be read the last good snapshot stays in place (like grpc-java's
 * file-watching authorization policy), the failure is counted, and staleness grows: the gateway
 * asks {@link #isStale(Duration)} and fails closed once the configuration is too old to trust
 * (a revoked credential must not keep working for ever because the database is down). Before the
 * first successful load the snapshot is empty and always stale.
 *
 * <p>The executor and clock are injected; the caller owns the executor ({@link #close()} only
 * cancels this refresher's task).
 */
public final class SnapshotRefresher implements AutoCloseable {
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
  private static final Logger LOG = System.getLogger("io.keygate.gateway.config");

  private final ConfigStore store;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final Duration pollInterval;
  private final AtomicReference<ConfigSnapshot> current =
      new AtomicReference<>(ConfigSnapshot.empty());
  // Serialises checks, so a slow older load can never replace a newer snapshot.
  private final Object checkLock = new Object();

  // Written only under checkLock; volatile so health checks read them without the lock.
  private volatile Instant lastSuccessfulCheck; // null until the first success
  private volatile long failures;
  private volatile long consecutiveFailures;
  private volatile String lastError;
  private boolean loadedOnce; // guarded by checkLock
  private volatile long fullLoads;
  private volatile long incrementalLoads;
  private ScheduledFuture<?> task; // guarded by this
  private final List<Runnable> afterSwap = new CopyOnWriteArrayList<>();

  public SnapshotRefresher(
      ConfigStore store, ScheduledExecutorService scheduler, Clock clock, Duration pollInterval) {
    this.store = Objects.requireNonNull(store, "store");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("poll interval must be positive");
    }
    this.pollInterval = pollInterval;
  }

  public SnapshotRefresher(ConfigStore store, ScheduledExecutorService scheduler, Clock clock) {
    this(store, scheduler, clock, DEFAULT_POLL_INTERVAL);
  }

  /** Starts polling: the first check runs at once on the scheduler, then every poll interval. */
  public synchronized void start() {
    if (task != null) {
      throw new IllegalStateException("already started");
    }
    long millis = pollInterval.toMillis();
    // Fixed delay, not rate: a slow load must not make checks pile up behind it.
    task = scheduler.scheduleWithFixedDelay(this::poll, 0, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Runs {@code listener} each time a new snapshot is in place, on the thread that loaded it (the
   * poll's, or an admin call's after a write). It must be quick; what it throws is logged, never
   * passed on to the check.
   */
  public void afterEachSwap(Runnable listener) {
    afterSwap.add(Objects.requireNonNull(listener, "listener"));
  }

  /** The snapshot to use now. Never null; lock-free. */
  public ConfigSnapshot current() {
    return current.get();
  }

  /**
   * Checks the store now (after an admin write on this node, or in tests) and returns the snapshot
   * in use afterwards.
   *
   * @throws StoreException if the store could not be read; the last good snapshot stays
   */
  public ConfigSnapshot refreshNow() throws StoreException {
    // Compared outside the lock: two racing refreshes may both notify, never neither.
    ConfigSnapshot before = current.get();
    ConfigSnapshot after = check();
    if (after != before) {
      notifySwap();
    }
    return after;
  }

  private ConfigSnapshot check() throws StoreException {
    synchronized (checkLock) {
      // Measured before reading: the snapshot is at least as fresh as this instant.
      Instant started = clock.instant();
      try {
        long version = store.currentVersion();
        ConfigSnapshot snapshot = current.get();
        // "Differs", not "greater": a database restored from a backup goes back in time.
        if (!loadedOnce || version != snapshot.version()) {
          snapshot = next(snapshot, version);
          current.set(snapshot);
          loadedOnce = true;
        }
        succeeded(started);
        return snapshot;
      } catch (StoreException e) {
        failed(e);
        throw e;
      } catch (RuntimeException e) {
        // E.g. a row this version cannot read (an auth mode from a newer release).
        StoreException wrapped =
            new StoreException("cannot load the config snapshot: " + e, e);
        failed(wrapped);
        throw wrapped;
      }
    }
  }

  /**
   * The snapshot at (at least) {@code version}: the current one moved forward by what changed,
   * when the store can say what that was; otherwise a whole load.
   */
  private ConfigSnapshot next(ConfigSnapshot snapshot, long version) throws StoreException {
    // "Greater" only: a store that went back in time (a restored backup) is reloaded whole.
    if (loadedOnce && version > snapshot.version()) {
      Optional<ConfigDelta> delta = store.changesSince(snapshot.version());
      if (delta.isPresent()) {
        incrementalLoads++;
        LOG.log(Level.DEBUG, "config: version {0} from the change feed ({1} objects)",
            delta.get().toVersion(), delta.get().size());
        return snapshot.apply(delta.get());
      }
    }
    long started = System.nanoTime();
    ConfigSnapshot whole = store.loadSnapshot();
    fullLoads++;
    LOG.log(Level.INFO, "config: loaded version {0} whole, {1} credentials, in {2} ms",
        whole.version(), whole.credentialCount(), (System.nanoTime() - started) / 1_000_000);
    return whole;
  }

  private void notifySwap() {
    for (Runnable listener : afterSwap) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "a snapshot listener failed", e);
      }
    }
  }

  private void poll() {
    try {
      refreshNow();
    } catch (StoreException e) {
      // Already counted and logged. Never rethrow: the executor would cancel the periodic task.
    } catch (RuntimeException | Error e) {
      LOG.log(Level.ERROR, "config snapshot poll failed unexpectedly", e);
    }
  }

  private void succeeded(Instant started) {
    if (consecutiveFailures > 0) {
      LOG.log(
          Level.INFO,
          "config store readable again after {0} failed check(s); snapshot version {1}",
          consecutiveFailures,
          current.get().version());
    }
    lastSuccessfulCheck = started;
    consecutiveFailures = 0;
  }

  private void failed(StoreException e) {
    failures++;
    consecutiveFailures++;
    lastError = e.getMessage();
    // Warn once per outage, not once per poll.
    Level level = consecutiveFailures == 1 ? Level.WARNING : Level.DEBUG;
    LOG.log(
        level,
        "cannot check the config store; keeping snapshot version {0}: {1}",
        current.get().version(),
        e.getMessage());
  }

  /**
   * True if the last successful check began more than {@code max} ago, or none ever succeeded.
   * The gateway should refuse calls while this holds for its configured limit.
   */
  public boolean isStale(Duration max) {
    return staleness().map(age -> age.compareTo(max) > 0).orElse(true);
  }

  /** Time since the last successful check began; empty if none has succeeded yet. */
  public Optional<Duration> staleness() {
    Instant last = lastSuccessfulCheck;
    return last == null ? Optional.empty() : Optional.of(Duration.between(last, clock.instant()));
  }

  public Optional<Instant> lastSuccessfulCheck() {
    return Optional.ofNullable(lastSuccessfulCheck);
  }

  /** Whole loads of the store since this refresher was made (the first one included). */
  public long fullLoads() {
    return fullLoads;
  }

  /** Changes applied from the store's change feed instead of a whole load. */
  public long incrementalLoads() {
    return incrementalLoads;
  }

  /** Failed checks since this refresher was made. */
  public long failureCount() {
    return failures;
  }

  /** Failed checks since the last successful one (0 when healthy). */
  public long consecutiveFailures() {
    return consecutiveFailures;
  }

  /** The message of the most recent failure, if any (no passwords: see StoreException). */
  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  public Duration pollInterval() {
    return pollInterval;
  }

  /** Stops polling. Does not shut down the injected executor. */
  @Override
  public synchronized void close() {
    if (task != null) {
      task.cancel(false);
    }
  }
}
