package io.keygate.gateway.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CallsPerKeyTest {

  @Test
  void tryOpen_admitsUpToTheLimit_thenRefusesThatKey() {
    CallsPerKey calls = new CallsPerKey(2);
    assertThat(calls.tryOpen("AK1")).isPresent();
    assertThat(calls.tryOpen("AK1")).isPresent();

    assertThat(calls.tryOpen("AK1")).isEmpty();
    assertThat(calls.open("AK1")).isEqualTo(2);
    assertThat(calls.total()).isEqualTo(2);
  }

  @Test
  void aKeyAtItsLimit_leavesOtherKeysTheirPlaces() {
    CallsPerKey calls = new CallsPerKey(1);
    calls.tryOpen("AK-busy");

    assertThat(calls.tryOpen("AK-busy")).isEmpty();
    assertThat(calls.tryOpen("AK-other")).isPresent();
  }

  @Test
  void release_givesThePlaceBack() {
    CallsPerKey calls = new CallsPerKey(1);
    CallsPerKey.Slot slot = calls.tryOpen("AK1").orElseThrow();

    slot.release();

    assertThat(calls.open("AK1")).isZero();
    assertThat(calls.total()).isZero();
    assertThat(calls.tryOpen("AK1")).isPresent();
  }

  // A call can end several ways at once (refusal then cancel, complete after an error): each may
  // release, and only the first may count.
  @Test
  void releasingTwice_countsOnce() {
    CallsPerKey calls = new CallsPerKey(2);
    CallsPerKey.Slot first = calls.tryOpen("AK1").orElseThrow();
    calls.tryOpen("AK1").orElseThrow();

    first.release();
    first.release();

    assertThat(calls.open("AK1")).as("the second call still holds its place").isEqualTo(1);
    assertThat(calls.total()).isEqualTo(1);
    assertThat(calls.tryOpen("AK1")).isPresent();
    assertThat(calls.tryOpen("AK1")).isEmpty();
  }

  @Test
  void theNoneSlot_releasesNothing() {
    CallsPerKey calls = new CallsPerKey(1);
    calls.tryOpen("AK1").orElseThrow();

    CallsPerKey.Slot.NONE.release();

    assertThat(calls.total()).isEqualTo(1);
  }

  @Test
  void constructor_refusesANonPositiveLimit() {
    assertThatThrownBy(() -> new CallsPerKey(0)).isInstanceOf(IllegalArgumentException.class);
  }

  // Many threads open and release on one key at once: never more than the limit open, and all
  // of it given back at the end.
  @Test
  void concurrentOpensAndReleases_neverPassTheLimit_andLeaveNothingBehind() throws Exception {
    int limit = 8;
    CallsPerKey calls = new CallsPerKey(limit);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      results.add(threads.submit(() -> {
        start.await();
        int mostSeen = 0;
        for (int i = 0; i < 5_000; i++) {
          Optional<CallsPerKey.Slot> slot = calls.tryOpen("AK-shared");
          mostSeen = Math.max(mostSeen, calls.open("AK-shared"));
          slot.ifPresent(CallsPerKey.Slot::release);
        }
        return mostSeen;
      }));
    }
    start.countDown();
    for (Future<Integer> result : results) {
      assertThat(result.get(60, TimeUnit.SECONDS)).isLessThanOrEqualTo(limit);
    }
    threads.shutdown();

    assertThat(calls.open("AK-shared")).isZero();
    assertThat(calls.total()).isZero();
  }
}
