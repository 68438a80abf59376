package io.keygate.gateway.proxy;

import static io.keygate.gateway.proxy.InstancesFixture.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.gateway.proxy.InstancesFixture.Instance;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * gRPC client-side health checking of a backend's instances: grpc-services' health-checking
 * round_robin, switched on by the channels' service config, watches grpc.health.v1 on each one.
 */
class BackendHealthCheckTest {

  @Test
  void anInstanceReportingNotServing_getsNoCalls_untilItServesAgain() throws Exception {
    // Two instances serve grpc.health.v1; the third does not implement it.
    try (InstancesFixture f = new InstancesFixture(3, List.of(true, true, false), b -> b, null)) {
      Instance first = f.instances.get(0);
      Instance sick = f.instances.get(1);
      Instance noHealthService = f.instances.get(2);
      f.awaitCallsOn(f.instances, Duration.ofSeconds(10));

      sick.setServing(false);
      // The health stream reports the change at once; wait until a round of calls misses it.
      awaitCondition(() -> {
        int before = sick.calls.get();
        for (int i = 0; i < 30; i++) {
          f.echo();
        }
        return sick.calls.get() == before;
      }, Duration.ofSeconds(10), "the NOT_SERVING instance leaves the rotation");
      f.resetCounts();
      for (int i = 0; i < 300; i++) {
        f.echo(); // every call succeeds: the other two take them
      }
      assertThat(sick.calls.get()).isZero();
      assertThat(first.calls.get()).isPositive();
      // UNIMPLEMENTED health service: grpc takes the instance as serving.
      assertThat(noHealthService.calls.get()).isPositive();
      assertThat(first.calls.get() + noHealthService.calls.get()).isEqualTo(300);

      sick.setServing(true);
      awaitCondition(() -> {
        f.echo();
        return sick.calls.get() > 0;
      }, Duration.ofSeconds(10), "the instance serving again gets calls");
    }
  }

  @Test
  void theCallThatOpensTheChannel_doesNotTakeTheHealthChecksWithItWhenItEnds() throws Exception {
    // The first call makes the channel leave idle and connect; the instances' health-check
    // streams may start on its thread. Were they in that call's context, they would be cancelled
    // when it ends, the instances would count as unhealthy and the next calls would fail
    // UNAVAILABLE (seen here, and in the warm-up of every InstancesFixture test, which fails on
    // any error, before BackendChannels left idle outside the call's context).
    try (InstancesFixture f = InstancesFixture.list(2, true)) {
      for (int i = 0; i < 200; i++) {
        f.echo();
      }
      assertThat(f.instances).allSatisfy(i -> assertThat(i.calls.get()).isPositive());
    }
  }

  @Test
  void everyInstanceNotServing_failsCallsFast_withBackendUnavailable() throws Exception {
    try (InstancesFixture f = InstancesFixture.list(2, true)) {
      f.awaitCallsOn(f.instances, Duration.ofSeconds(10));
      f.instances.forEach(i -> i.setServing(false));

      awaitCondition(() -> {
        try {
          f.echo();
          return false;
        } catch (io.grpc.StatusRuntimeException e) {
          assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
          assertThat(e.getTrailers().get(io.keygate.gateway.errors.ErrorReplies.ERROR_CODE))
              .isEqualTo("BackendUnavailable");
          return true;
        }
      }, Duration.ofSeconds(10), "calls fail once no instance serves");
    }
  }
}
