package io.keygate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DemandRelayTest {
  private final AtomicBoolean sinkReady = new AtomicBoolean();
  private final AtomicInteger requested = new AtomicInteger();
  private final DemandRelay relay = new DemandRelay(sinkReady::get, requested::incrementAndGet);

  @Test
  void start_requestsOneMessage_evenBeforeTheSinkIsReady() {
    relay.start();

    assertThat(requested).hasValue(1);
  }

  @Test
  void delivered_requestsTheNext_whenTheSinkIsReady() {
    sinkReady.set(true);

    relay.delivered();

    assertThat(requested).hasValue(1);
  }

  @Test
  void delivered_waitsForTheSink_thenOnReadyRequestsOnce() {
    relay.delivered();
    assertThat(requested).hasValue(0);

    sinkReady.set(true);
    relay.sinkReady();
    relay.sinkReady(); // a spurious second onReady asks for nothing more

    assertThat(requested).hasValue(1);
  }

  @Test
  void sinkReady_withNothingOwed_requestsNothing() {
    sinkReady.set(true);

    relay.sinkReady();

    assertThat(requested).hasValue(0);
  }

  @Test
  void delivered_requestsExactlyOnce_whenTheSinkTurnsReadyDuringTheCheck() {
    // The sink becomes ready, and its onReady runs, between delivered()'s first check and its
    // flag: the re-check must make up for the onReady that found nothing owed.
    AtomicInteger checks = new AtomicInteger();
    DemandRelay racing =
        new DemandRelay(
            () -> {
              if (checks.incrementAndGet() == 1) {
                return false; // first check: not ready; onReady fires "now", before the flag is set
              }
              return true;
            },
            requested::incrementAndGet);
    racing.sinkReady(); // the onReady that came too early: nothing owed yet

    racing.delivered();

    assertThat(requested).hasValue(1);
  }
}
