package io.keygate.gateway.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One call's pre-authentication budget together with the node's capacity it draws from. */
class PreAuthBudgetTest {
  private static final int MAX_MESSAGE = 1_000;
  private static final int FREE = 100;
  private final List<String> ended = new ArrayList<>();

  private PreAuthBudget budget(String name, PreAuthCapacity<PreAuthBudget> node) {
    PreAuthBudget budget = new PreAuthBudget(MAX_MESSAGE, node);
    budget.onTooLarge(() -> ended.add(name + " too large"));
    budget.onNoCapacity(detail -> ended.add(name + " no capacity"));
    return budget;
  }

  @Test
  void aCallThatNeverEnters_drawsNothingFromTheNode() {
    PreAuthCapacity<PreAuthBudget> node = new PreAuthCapacity<>(1, 10, FREE);
    PreAuthBudget health = budget("health", node);

    health.wireBytesRead(FREE + 500);

    assertThat(node.bytes()).isZero();
    assertThat(ended).isEmpty();
    assertThat(health.open()).isTrue();
  }

  @Test
  void bytesBeyondTheNodesBudget_endTheCallThatWouldPassIt_andGiveItsBytesBack() {
    PreAuthCapacity<PreAuthBudget> node = new PreAuthCapacity<>(10, 500, FREE);
    PreAuthBudget first = budget("first", node);
    PreAuthBudget second = budget("second", node);
    first.enterNode();
    second.enterNode();
    first.wireBytesRead(FREE + 400);

    second.wireBytesRead(FREE + 101);

    assertThat(ended).containsExactly("second no capacity");
    assertThat(second.open()).isFalse();
    assertThat(node.calls()).isEqualTo(1);
    assertThat(node.bytes()).as("only the first call's").isEqualTo(400);
    assertThat(first.open()).isTrue();
  }

  @Test
  void aFirstMessageOverTheCallsOwnLimit_isTooLarge_notANodeMatter() {
    PreAuthCapacity<PreAuthBudget> node = new PreAuthCapacity<>(10, 50, FREE);
    PreAuthBudget big = budget("big", node);
    big.enterNode();

    big.wireBytesRead(MAX_MESSAGE + 6);

    assertThat(ended).containsExactly("big too large");
    assertThat(node.calls()).isZero();
  }

  @Test
  void enteringAFullNode_endsTheOldestCall_onlyOnce() {
    PreAuthCapacity<PreAuthBudget> node = new PreAuthCapacity<>(2, 1_000, FREE);
    PreAuthBudget oldest = budget("oldest", node);
    PreAuthBudget younger = budget("younger", node);
    oldest.enterNode();
    younger.enterNode();
    oldest.wireBytesRead(FREE + 300);

    budget("newcomer", node).enterNode();

    assertThat(ended).containsExactly("oldest no capacity");
    assertThat(oldest.claim()).as("already ended").isFalse();
    assertThat(node.calls()).isEqualTo(2);
    assertThat(node.bytes()).isZero();
    assertThat(younger.open()).isTrue();
  }

  @Test
  void claim_givesTheCallsPlaceAndBytesBack_once() {
    PreAuthCapacity<PreAuthBudget> node = new PreAuthCapacity<>(10, 1_000, FREE);
    PreAuthBudget call = budget("call", node);
    call.enterNode();
    call.wireBytesRead(FREE + 250);

    assertThat(call.claim()).isTrue();
    assertThat(call.claim()).isFalse();

    assertThat(node.calls()).isZero();
    assertThat(node.bytes()).isZero();
    call.wireBytesRead(FREE + 900);
    assertThat(node.bytes()).as("bytes after the phase are not the node's").isZero();
  }

  @Test
  void aCallClaimedBeforeItEntered_doesNotStayIn() {
    PreAuthCapacity<PreAuthBudget> node = new PreAuthCapacity<>(10, 1_000, FREE);
    PreAuthBudget call = budget("call", node);
    call.claim();

    call.enterNode();

    assertThat(node.calls()).isZero();
  }
}
