package io.keygate.gateway.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PreAuthCapacityTest {
  private static final int FREE = 100;

  @Test
  void enter_countsCallsUpToTheLimit_withoutPushingAnyoneOut() {
    PreAuthCapacity<String> node = new PreAuthCapacity<>(2, 1_000, FREE);

    assertThat(node.enter("a")).isEmpty();
    assertThat(node.enter("b")).isEmpty();
    assertThat(node.calls()).isEqualTo(2);
  }

  @Test
  void enterWhenFull_pushesOutTheOldest_andKeepsTheNewcomer() {
    PreAuthCapacity<String> node = new PreAuthCapacity<>(2, 1_000, FREE);
    node.enter("oldest");
    node.enter("younger");

    assertThat(node.enter("newcomer")).contains("oldest");
    assertThat(node.calls()).isEqualTo(2);
    assertThat(node.enter("another")).as("then the next oldest").contains("younger");
  }

  @Test
  void enteringTwice_changesNothing() {
    PreAuthCapacity<String> node = new PreAuthCapacity<>(1, 1_000, FREE);
    node.enter("a");

    assertThat(node.enter("a")).isEmpty();
    assertThat(node.calls()).isEqualTo(1);
  }

  @Test
  void aCallThatLeft_isNotPushedOut() {
    PreAuthCapacity<String> node = new PreAuthCapacity<>(2, 1_000, FREE);
    node.enter("stalled");
    node.enter("authenticated");
    node.leave("stalled");
    node.enter("c");

    assertThat(node.enter("d")).contains("authenticated");
  }

  @Test
  void bytesWithinEachCallsFreeAllowance_drawNothingFromTheBudget() {
    PreAuthCapacity<String> node = new PreAuthCapacity<>(10, 1, FREE);
    node.enter("small");

    assertThat(node.hold("small", FREE)).isTrue();
    assertThat(node.bytes()).isZero();
  }

  @Test
  void hold_drawsBytesBeyondTheAllowance_untilTheBudgetWouldBePassed() {
    PreAuthCapacity<String> node = new PreAuthCapacity<>(10, 500, FREE);
    node.enter("a");
    node.enter("b");

    assertThat(node.hold("a", FREE + 300)).isTrue();
    assertThat(node.hold("b", FREE + 200)).as("exactly the budget").isTrue();
    assertThat(node.bytes()).isEqualTo(500);

    assertThat(node.hold("b", FREE + 201)).as("one byte past it").isFalse();
    assertThat(node.bytes()).as("a refused hold changes nothing").isEqualTo(500);
  }

  @Test
  void hold_countsEachCallsTotal_notEachChunkAgain() {
    PreAuthCapacity<String> node = new PreAuthCapacity<>(10, 1_000, FREE);
    node.enter("a");

    node.hold("a", FREE + 100);
    node.hold("a", FREE + 250);
    node.hold("a", FREE + 250);

    assertThat(node.bytes()).isEqualTo(250);
  }

  @Test
  void leave_givesBackThePlaceAndTheBytes_once() {
    PreAuthCapacity<String> node = new PreAuthCapacity<>(10, 1_000, FREE);
    node.enter("a");
    node.enter("b");
    node.hold("a", FREE + 300);
    node.hold("b", FREE + 100);

    node.leave("a");
    node.leave("a");

    assertThat(node.calls()).isEqualTo(1);
    assertThat(node.bytes()).isEqualTo(100);
  }

  @Test
  void aCallPushedOut_takesItsBytesWithIt() {
    PreAuthCapacity<String> node = new PreAuthCapacity<>(1, 1_000, FREE);
    node.enter("big");
    node.hold("big", FREE + 900);

    node.enter("next");

    assertThat(node.bytes()).isZero();
    assertThat(node.hold("next", FREE + 1_000)).isTrue();
  }

  @Test
  void aCallNotIn_needsNoRoom_andHoldsNothing() {
    PreAuthCapacity<String> node = new PreAuthCapacity<>(1, 10, FREE);

    assertThat(node.hold("never-entered", FREE + 1_000)).isTrue();
    assertThat(node.bytes()).isZero();
    assertThat(node.calls()).isZero();
  }

  @Test
  void constructor_refusesNonPositiveLimits() {
    assertThatThrownBy(() -> new PreAuthCapacity<String>(0, 10, FREE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PreAuthCapacity<String>(1, 0, FREE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PreAuthCapacity<String>(1, 10, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
