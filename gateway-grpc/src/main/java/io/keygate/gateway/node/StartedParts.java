package io.keygate.gateway.node;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What a node has started so far, in order, so that it stops in the reverse order: no new calls
 * first, then what they fed (last use, security events, audit heads), then the schedulers, then
 * storage and the HSM. A node that fails halfway through starting closes what it had started.
 */
final class StartedParts {
  private static final Logger LOG = System.getLogger("io.keygate.gateway");

  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  <T extends AutoCloseable> T add(T part) {
    started.push(part);
    return part;
  }

  void addAction(String name, AutoCloseable action) {
    started.push(new AutoCloseable() {
      @Override
      public void close() throws Exception {
        action.close();
      }

      @Override
      public String toString() {
        return name;
      }
    });
  }

  /** A scheduler of one daemon thread named {@code name}, stopped with the parts. */
  ScheduledExecutorService scheduler(String name) {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(job -> {
      Thread thread = new Thread(job, name);
      thread.setDaemon(true);
      return thread;
    });
    addAction(name, scheduler::shutdownNow);
    return scheduler;
  }

  Deque<AutoCloseable> handOver() {
    return started;
  }

  void closeAll() {
    closeAll(started);
  }

  static void closeAll(Deque<AutoCloseable> parts) {
    while (!parts.isEmpty()) {
      AutoCloseable part = parts.pop();
      try {
        part.close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "stopping " + part + " failed: " + e.getMessage());
      }
    }
  }

  static Deque<AutoCloseable> empty() {
    return new ArrayDeque<>();
  }
}
