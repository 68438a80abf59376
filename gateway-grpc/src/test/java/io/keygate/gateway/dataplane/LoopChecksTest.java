package io.keygate.gateway.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Where a signed call's check runs (issue 10): on the loop only once the token proved fast, never
 * on more loops at once than the permits, and back to the lane when the token slows down.
 */
class LoopChecksTest {
  private static final Duration LIMIT = Duration.ofNanos(200_000);
  private static final long FAST = 20_000;
  private static final long SLOW = 5_000_000;

  @Test
  void aNewNode_checksOnTheLane_untilTheTokenHasProvedFast() {
    LoopChecks checks = new LoopChecks(1, LIMIT);
    assertThat(checks.tryEnter()).as("nothing measured yet").isFalse();

    checks.record(FAST);
    checks.record(FAST);
    assertThat(checks.tryEnter()).as("the average starts at 400 µs: two are not enough").isFalse();
    for (int i = 0; i < 6; i++) {
      checks.record(FAST);
    }
    assertThat(checks.tryEnter()).isTrue();
    assertThat(checks.onLane()).isEqualTo(8);
    assertThat(checks.onLoops()).isEqualTo(1);
  }

  @Test
  void noMoreChecksRunOnLoopsAtOnce_thanThePermits() {
    LoopChecks checks = fast(new LoopChecks(2, LIMIT));
    assertThat(checks.tryEnter()).isTrue();
    assertThat(checks.tryEnter()).isTrue();
    assertThat(checks.tryEnter()).as("both permits held: a hung token holds two loops at most")
        .isFalse();

    checks.leave(FAST);
    assertThat(checks.tryEnter()).isTrue();
    assertThat(checks.tryEnter()).isFalse();
  }

  @Test
  void aTokenThatTurnsSlow_sendsTheNextChecksToTheLane_andAFastOneBringsThemBack() {
    LoopChecks checks = fast(new LoopChecks(1, LIMIT));
    assertThat(checks.tryEnter()).isTrue();
    checks.leave(SLOW);
    assertThat(checks.tryEnter()).as("one 5 ms check lifts the average past 200 µs").isFalse();
    assertThat(checks.average()).isGreaterThan(LIMIT);

    for (int i = 0; i < 30; i++) {
      checks.record(FAST);
    }
    assertThat(checks.tryEnter()).isTrue();
  }

  @Test
  void aNetworkHsm_neverGetsACheckOnALoop() {
    LoopChecks checks = new LoopChecks(3, LIMIT);
    for (int i = 0; i < 1_000; i++) {
      checks.record(600_000); // 0.6 ms a check
      assertThat(checks.tryEnter()).isFalse();
    }
    assertThat(checks.average()).isGreaterThan(LIMIT);
  }

  @Test
  void withoutPermits_orWithoutALimit_noCheckEverRunsOnALoop() {
    LoopChecks noPermits = fast(new LoopChecks(0, LIMIT));
    assertThat(noPermits.tryEnter()).isFalse();

    LoopChecks off = fast(new LoopChecks(4, Duration.ZERO));
    assertThat(off.tryEnter()).isFalse();
    assertThat(LoopChecks.NEVER.tryEnter()).isFalse();
  }

  @Test
  void aClockThatStepsBack_countsAsAnInstantCheck_notANegativeAverage() {
    LoopChecks checks = new LoopChecks(1, LIMIT);
    for (int i = 0; i < 100; i++) {
      checks.record(-1_000_000);
    }
    assertThat(checks.average()).isGreaterThanOrEqualTo(Duration.ZERO);
  }

  @Test
  void negativeSettings_areRefused() {
    assertThatThrownBy(() -> new LoopChecks(-1, LIMIT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LoopChecks(1, Duration.ofNanos(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theCallLimits_keepOneLoopFree_andSizeWhatChecksHold() {
    CallLimits two = CallLimits.defaults().withEventLoops(2);
    assertThat(two.loopCheckPermits()).isEqualTo(1);
    assertThat(two.concurrentChecks()).isEqualTo(two.hsmThreads() + 1);
    assertThat(CallLimits.defaults().withEventLoops(1).loopCheckPermits()).isZero();
    assertThat(two.withHsmOnLoopUnder(Duration.ZERO).loopCheckPermits()).isZero();
    assertThat(two.withHsmOnLoopUnder(Duration.ZERO).concurrentChecks())
        .isEqualTo(two.hsmThreads());
    assertThat(two.withPerApi(7).hsmOnLoopUnder())
        .as("the other with-methods keep it").isEqualTo(CallLimits.DEFAULT_HSM_ON_LOOP_UNDER);
    assertThatThrownBy(() -> two.withHsmOnLoopUnder(Duration.ofNanos(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A node whose last checks were fast. */
  private static LoopChecks fast(LoopChecks checks) {
    for (int i = 0; i < 30; i++) {
      checks.record(FAST);
    }
    return checks;
  }
}
