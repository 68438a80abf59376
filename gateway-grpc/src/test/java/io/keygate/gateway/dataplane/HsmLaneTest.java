package io.keygate.gateway.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The HSM lane runs a bounded number of calls and refuses, at once, what it cannot queue. */
class HsmLaneTest {

  @Test
  void aFullQueue_refusesAtOnce_andTheLaneRecoversWhenTheTokenDoes() throws Exception {
    CountDownLatch tokenBusy = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    try (HsmLane lane = new HsmLane(1, 2)) {
      lane.execute(() -> {
        running.countDown();
        await(tokenBusy);
      });
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
      CountDownLatch queuedRan = new CountDownLatch(2);
      lane.execute(queuedRan::countDown);
      lane.execute(queuedRan::countDown);
      assertThat(lane.waiting()).isEqualTo(2);

      assertThatThrownBy(() -> lane.execute(() -> {}))
          .isInstanceOf(RejectedExecutionException.class);

      tokenBusy.countDown();
      assertThat(queuedRan.await(10, TimeUnit.SECONDS)).isTrue();
      CountDownLatch again = new CountDownLatch(1);
      lane.execute(again::countDown);
      assertThat(again.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void threadsAreNamed_andSizesMustBePositive() throws Exception {
    try (HsmLane lane = new HsmLane(2, 1)) {
      java.util.concurrent.CompletableFuture<String> name = new java.util.concurrent.CompletableFuture<>();
      lane.execute(() -> name.complete(Thread.currentThread().getName()));
      assertThat(name.get(10, TimeUnit.SECONDS)).startsWith("keygate-hsm-");
    }
    assertThatThrownBy(() -> new HsmLane(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HsmLane(1, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
