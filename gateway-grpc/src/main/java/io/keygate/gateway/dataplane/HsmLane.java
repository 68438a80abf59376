package io.keygate.gateway.dataplane;

import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where calls wait for the HSM: a few threads sized to what the token can do at once, and a
 * bounded queue in front of them. The data plane's own work (routing, screening, relaying bytes)
 * runs on the transport's event loops; only the signature check, which blocks in the token, comes
 * here. When the queue is full {@link #execute} refuses at once, so an overloaded token answers
 * new calls with a fast RESOURCE_EXHAUSTED instead of a growing wait and an ever larger pool.
 *
 * <p>Why a few: SoftHSM2 serialises HMAC inside {@code C_SignInit} (2 threads give ×1.35, 8 give
 * nothing more, docs/benchmarks.md); a network HSM with more sessions wants more, hence the
 * setting.
 */
public final class HsmLane implements Executor, AutoCloseable {
  public static final int DEFAULT_THREADS = 2;
  public static final int DEFAULT_QUEUE = 1024;

  private final ThreadPoolExecutor pool;

  /**
   * @param threads how many HSM calls run at once
   * @param queue how many more may wait; beyond that, calls are refused
   */
  public HsmLane(int threads, int queue) {
    if (threads < 1 || queue < 1) {
      throw new IllegalArgumentException("threads and queue must be positive");
    }
    this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(queue), new Named(), new ThreadPoolExecutor.AbortPolicy());
  }

  /**
   * Runs {@code task} on an HSM thread.
   *
   * @throws RejectedExecutionException at once if as many tasks as the queue holds already wait,
   *     or after {@link #close}
   */
  @Override
  public void execute(Runnable task) {
    pool.execute(Objects.requireNonNull(task, "task"));
  }

  /** Tasks waiting for a thread (for metrics and tests). */
  public int waiting() {
    return pool.getQueue().size();
  }

  /** Refuses new tasks; lets the running ones finish for a moment. */
  @Override
  public void close() {
    pool.shutdown();
    try {
      if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static final class Named implements ThreadFactory {
    private final AtomicInteger n = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "keygate-hsm-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }
}
