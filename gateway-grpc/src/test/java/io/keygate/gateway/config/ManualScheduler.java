package io.keygate.gateway.config;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler whose periodic tasks run only when a test calls {@link #runPeriodicTasks()}: the
 * signer and aggregator are driven by hand, without sleeping.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  /** A periodic task as scheduled. */
  public static final class Periodic implements ScheduledFuture<Object> {
    final Runnable command;
    public final long initialDelayMillis;
    public final long periodMillis;
    /** True for scheduleWithFixedDelay, false for scheduleAtFixedRate. */
    public final boolean fixedDelay;
    private volatile boolean cancelled;

    Periodic(Runnable command, long initialDelay, long period, TimeUnit unit, boolean fixedDelay) {
      this.command = command;
      this.fixedDelay = fixedDelay;
      this.initialDelayMillis = unit.toMillis(initialDelay);
      this.periodMillis = unit.toMillis(period);
    }

    @Override
    public long getDelay(TimeUnit u) {
      return u.convert(periodMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      cancelled = true;
      return true;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return cancelled;
    }

    @Override
    public Object get() {
      throw new UnsupportedOperationException("periodic");
    }

    @Override
    public Object get(long timeout, TimeUnit u) {
      throw new UnsupportedOperationException("periodic");
    }
  }

  private final List<Periodic> periodic = new ArrayList<>();

  public synchronized List<Periodic> periodicTasks() {
    return List.copyOf(periodic);
  }

  /** Runs every periodic task that is not cancelled, once, on the calling thread. */
  public void runPeriodicTasks() {
    for (Periodic p : periodicTasks()) {
      if (!p.isCancelled()) {
        p.command.run();
      }
    }
  }

  @Override
  public synchronized ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return schedule(command, initialDelay, delay, unit, true);
  }

  private synchronized ScheduledFuture<?> schedule(
      Runnable command, long initialDelay, long delay, TimeUnit unit, boolean fixedDelay) {
    Periodic p = new Periodic(command, initialDelay, delay, unit, fixedDelay);
    periodic.add(p);
    return p;
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    return schedule(command, initialDelay, period, unit, false);
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("not used by the code under test");
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("not used by the code under test");
  }

  @Override
  public void execute(Runnable command) {
    throw new UnsupportedOperationException("not used by the code under test");
  }

  @Override
  public void shutdown() {}

  @Override
  public List<Runnable> shutdownNow() {
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return false;
  }

  @Override
  public boolean isTerminated() {
    return false;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return true;
  }
}
