package io.keygate.gateway.e2e;

import io.keygate.gateway.auth.MacVerifier;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Wraps a node's MAC check ({@link GatewayFixture#withMacVerifier}) so that a test can make the
 * token hang (every check waits until {@link #recover}) or slow (every check takes longer), and
 * see the thread of every check. The real SoftHSM2 check runs after what the test adds.
 */
final class ControlledToken {
  /** The name of the thread of every check, in order. */
  final BlockingQueue<String> checks = new LinkedBlockingQueue<>();
  /** The name of the thread of every check that found the token hanging, in order. */
  final BlockingQueue<String> held = new LinkedBlockingQueue<>();
  private final AtomicReference<CountDownLatch> hanging = new AtomicReference<>();
  private final AtomicReference<Duration> slowBy = new AtomicReference<>();

  MacVerifier wrap(MacVerifier token) {
    return (credential, data, mac) -> {
      String thread = Thread.currentThread().getName();
      // The token's state is read before the check is told: a test that sees a check in
      // `checks` and then hangs the token holds the next check, never that one.
      Duration slow = slowBy.get();
      CountDownLatch hang = hanging.get();
      checks.add(thread);
      if (slow != null) {
        pause(slow);
      }
      if (hang != null) {
        held.add(thread);
        try {
          hang.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      token.verify(credential, data, mac);
    };
  }

  /** From now on every check waits until {@link #recover}. */
  void hang() {
    hanging.set(new CountDownLatch(1));
  }

  /** From now on every check takes {@code slow} longer. */
  void slowBy(Duration slow) {
    slowBy.set(slow);
  }

  /** The token at its own pace again: new checks run at once, the held ones go on. */
  void recover() {
    slowBy.set(null);
    CountDownLatch hang = hanging.getAndSet(null);
    if (hang != null) {
      hang.countDown();
    }
  }

  /** The token's own pace, not a wait for the test: nothing waits on it. */
  private static void pause(Duration slow) {
    try {
      Thread.sleep(slow.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
