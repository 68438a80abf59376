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

class CallsPerApiTest {

  @Test
  void tryOpen_admitsUpToTheLimit_thenRefusesThatApi() {
    CallsPerApi calls = new CallsPerApi(2);
    assertThat(calls.tryOpen("api-echo")).isPresent();
    assertThat(calls.tryOpen("api-echo")).isPresent();

    assertThat(calls.tryOpen("api-echo")).isEmpty();
    assertThat(calls.open("api-echo")).isEqualTo(2);
    assertThat(calls.total()).isEqualTo(2);
  }

  @Test
  void anApiAtItsLimit_leavesOtherApisTheirPlaces() {
    CallsPerApi calls = new CallsPerApi(1);
    calls.tryOpen("api-slow");

    assertThat(calls.tryOpen("api-slow")).isEmpty();
    assertThat(calls.tryOpen("api-other")).isPresent();
  }

  @Test
  void release_givesThePlaceBack() {
    CallsPerApi calls = new CallsPerApi(1);
    CallsPerApi.Slot slot = calls.tryOpen("api-echo").orElseThrow();

    slot.release();

    assertThat(calls.open("api-echo")).isZero();
    assertThat(calls.total()).isZero();
    assertThat(calls.tryOpen("api-echo")).isPresent();
  }

  // A call can end several ways at once (a revocation, then the client's cancel): each may
  // release, and only the first may count.
  @Test
  void releasingTwice_countsOnce() {
    CallsPerApi calls = new CallsPerApi(2);
    CallsPerApi.Slot first = calls.tryOpen("api-echo").orElseThrow();
    calls.tryOpen("api-echo").orElseThrow();

    first.release();
    first.release();

    assertThat(calls.open("api-echo")).as("the second call still holds its place").isEqualTo(1);
    assertThat(calls.total()).isEqualTo(1);
    assertThat(calls.tryOpen("api-echo")).isPresent();
    assertThat(calls.tryOpen("api-echo")).isEmpty();
  }

  @Test
  void theNoneSlot_releasesNothing() {
    CallsPerApi calls = new CallsPerApi(1);
    calls.tryOpen("api-echo").orElseThrow();

    CallsPerApi.Slot.NONE.release();

    assertThat(calls.total()).isEqualTo(1);
  }

  @Test
  void constructor_refusesANonPositiveLimit() {
    assertThatThrownBy(() -> new CallsPerApi(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aCallsPlaces_areGivenBackTogether_once() {
    CallsPerApi apis = new CallsPerApi(2);
    CallsPerKey keys = new CallsPerKey(2);
    CallPlaces places = new CallPlaces(
        apis.tryOpen("api-echo").orElseThrow(), keys.tryOpen("AK1").orElseThrow());
    CallPlaces other = new CallPlaces(
        apis.tryOpen("api-echo").orElseThrow(), keys.tryOpen("AK1").orElseThrow());

    places.release();
    places.release();

    assertThat(apis.open("api-echo")).isEqualTo(1);
    assertThat(keys.open("AK1")).isEqualTo(1);
    other.release();
    assertThat(apis.total()).isZero();
    assertThat(keys.total()).isZero();
  }

  @Test
  void aCallOfAnApiWithoutAuthentication_holdsItsApisPlaceOnly() {
    CallsPerApi apis = new CallsPerApi(1);
    CallPlaces places = CallPlaces.ofApi(apis.tryOpen("api-public").orElseThrow());

    assertThat(places.key()).isSameAs(CallsPerKey.Slot.NONE);
    places.release();
    assertThat(apis.total()).isZero();
  }

  // Many threads open and release on one API at once: never more than the limit open, and all
  // of it given back at the end.
  @Test
  void concurrentOpensAndReleases_neverPassTheLimit_andLeaveNothingBehind() throws Exception {
    int limit = 8;
    CallsPerApi calls = new CallsPerApi(limit);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      results.add(threads.submit(() -> {
        start.await();
        int mostSeen = 0;
        for (int i = 0; i < 5_000; i++) {
          Optional<CallsPerApi.Slot> slot = calls.tryOpen("api-shared");
          mostSeen = Math.max(mostSeen, calls.open("api-shared"));
          slot.ifPresent(CallsPerApi.Slot::release);
        }
        return mostSeen;
      }));
    }
    start.countDown();
    for (Future<Integer> result : results) {
      assertThat(result.get(60, TimeUnit.SECONDS)).isLessThanOrEqualTo(limit);
    }
    threads.shutdown();

    assertThat(calls.open("api-shared")).isZero();
    assertThat(calls.total()).isZero();
  }
}
