package io.keygate.gateway.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The node's one sweep for late first messages, driven sweep by sweep: no clock, no sleeping. */
class FirstMessageDeadlinesTest {
  private static final int LATE_AFTER = FirstMessageDeadlines.SWEEPS_PER_TIMEOUT + 1;
  private final PreAuthCapacity<PreAuthBudget> node = new PreAuthCapacity<>(10, 1_000, 100);
  private final FirstMessageDeadlines deadlines = new FirstMessageDeadlines(node);
  private final List<String> ended = new ArrayList<>();

  private PreAuthBudget entered(String name) {
    PreAuthBudget budget = new PreAuthBudget(1_000, node);
    budget.onLate(() -> ended.add(name + " late"));
    budget.onTooLarge(() -> ended.add(name + " too large"));
    budget.enterNode(deadlines.now());
    return budget;
  }

  private void sweep(int times) {
    for (int i = 0; i < times; i++) {
      deadlines.sweep();
    }
  }

  @Test
  void sweep_endsACallWithoutFirstMessage_onlyAfterAWholeTimeoutOfSweeps() {
    PreAuthBudget call = entered("stalled");

    sweep(LATE_AFTER - 1);
    assertThat(ended).as("a full timeout has not passed for a call that entered just before a sweep").isEmpty();
    assertThat(call.open()).isTrue();

    sweep(1);
    assertThat(ended).containsExactly("stalled late");
    assertThat(call.open()).isFalse();
    assertThat(node.calls()).as("its place is given back").isZero();
  }

  @Test
  void sweep_leavesACallWhoseFirstMessageArrived() {
    PreAuthBudget call = entered("honest");
    assertThat(call.claim()).as("the first message takes the call over").isTrue();

    sweep(LATE_AFTER * 2);

    assertThat(ended).isEmpty();
  }

  @Test
  void sweep_endsOnlyTheLateCalls_oldestFirst() {
    entered("first");
    sweep(1);
    entered("second");
    sweep(2);
    PreAuthBudget young = entered("young");

    sweep(LATE_AFTER - 3);
    assertThat(ended).containsExactly("first late");
    sweep(1);
    assertThat(ended).containsExactly("first late", "second late");
    assertThat(young.open()).isTrue();
    sweep(2);
    assertThat(ended).containsExactly("first late", "second late", "young late");
  }

  @Test
  void sweep_keepsGoingWhenEndingACallFails() {
    PreAuthBudget broken = new PreAuthBudget(1_000, node);
    broken.onLate(() -> {
      throw new IllegalStateException("a bug while refusing");
    });
    broken.enterNode(deadlines.now());
    entered("next");

    sweep(LATE_AFTER);

    assertThat(ended).containsExactly("next late");
  }
}
