package io.keygate.gateway.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The refusal lines' budget on a clock the test moves: no sleeping. */
class RefusalBudgetTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  void tryTake_allowsOneSecondsWorthAtOnce_thenOneEveryInterval() {
    RefusalBudget budget = new RefusalBudget(10, now::get);

    assertThat(taken(budget, 100)).isEqualTo(10);
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
    assertThat(taken(budget, 100)).isEqualTo(1);
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(350));
    assertThat(taken(budget, 100)).isEqualTo(3);
  }

  @Test
  void tryTake_afterALongQuietSpell_stillAllowsOnlyOneSecondsWorth() {
    RefusalBudget budget = new RefusalBudget(10, now::get);
    taken(budget, 100);

    now.addAndGet(TimeUnit.HOURS.toNanos(1));

    assertThat(taken(budget, 1_000)).isEqualTo(10);
  }

  @Test
  void tryTake_overAnySpan_staysWithinTheRate() {
    RefusalBudget budget = new RefusalBudget(100, now::get);
    int taken = 0;
    for (int ms = 0; ms < 10_000; ms++) { // 10 s of a flood, 50 refusals every millisecond
      taken += taken(budget, 50);
      now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
    }
    assertThat(taken).isBetween(1_000, 100 * (1 + 10));
  }

  @Test
  void tryTake_withARateOfZero_neverAllows() {
    RefusalBudget budget = new RefusalBudget(0, now::get);
    assertThat(taken(budget, 100)).isZero();
  }

  private static int taken(RefusalBudget budget, int tries) {
    int taken = 0;
    for (int i = 0; i < tries; i++) {
      if (budget.tryTake()) {
        taken++;
      }
    }
    return taken;
  }
}
