package io.keygate.gateway.e2e;

import io.keygate.gateway.dataplane.DataPlaneLoad;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits until the node's data-plane load reaches a state: the server ends a call on its own
 * threads, after the client has seen it end, so the test waits on a future that a checker
 * completes, with a generous bound, rather than sleeping for a guessed time.
 */
final class LoadWatch implements AutoCloseable {
  private static final long BOUND_SECONDS = 20;

  private final Supplier<DataPlaneLoad> load;
  private final ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(job -> {
    Thread thread = new Thread(job, "load-watch");
    thread.setDaemon(true);
    return thread;
  });

  LoadWatch(Supplier<DataPlaneLoad> load) {
    this.load = load;
  }

  /** The load once {@code reached} holds; fails naming {@code what} if it does not in 20 s. */
  DataPlaneLoad until(String what, Predicate<DataPlaneLoad> reached) throws Exception {
    CompletableFuture<DataPlaneLoad> met = new CompletableFuture<>();
    ScheduledFuture<?> checks = checker.scheduleWithFixedDelay(() -> {
      DataPlaneLoad now = load.get();
      if (reached.test(now)) {
        met.complete(now);
      }
    }, 0, 10, TimeUnit.MILLISECONDS);
    try {
      return met.get(BOUND_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(what + " within " + BOUND_SECONDS + " s; the load is " + load.get());
    } finally {
      checks.cancel(false);
    }
  }

  /** Every call has ended and given back what it held. */
  void untilIdle() throws Exception {
    until("nothing held", now -> now.equals(new DataPlaneLoad(0, 0, 0, 0)));
  }

  @Override
  public void close() {
    checker.shutdownNow();
  }
}
