package io.keygate.gateway.proxy;

import static io.keygate.gateway.proxy.InstancesFixture.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.gateway.model.BackendTarget;
import io.keygate.gateway.proxy.InstancesFixture.Instance;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The registry seam ({@link BackendInstances}) driven by the test like a registry would be: new
 * sets of instances take effect, and when the source fails (or reports nothing) the last set keeps
 * serving and {@link BackendResolutions} says so.
 */
class BackendResolutionTest {

  @Test
  void afterAGoodSet_aFailingSourceKeepsTheLastSetServing_andTheNodeSaysSo() throws Exception {
    Registry registry = new Registry();
    try (InstancesFixture f = new InstancesFixture(2, List.of(false, false),
        b -> b.instances(registry), null)) {
      registry.initial = BackendInstances.addressesOf(f.target);
      f.awaitCallsOn(f.instances, Duration.ofSeconds(10));
      BackendResolutions resolutions = f.channels.resolutions();
      assertThat(resolutions.failing()).isZero();

      registry.listener().failed("registry unreachable");
      awaitCondition(() -> resolutions.failing() == 1, Duration.ofSeconds(10), "failing counted");
      assertThat(resolutions.failingTargets()).containsExactly(f.target);
      f.resetCounts();
      for (int i = 0; i < 100; i++) {
        f.echo(); // the last set serves: every call succeeds, on both instances
      }
      assertThat(f.instances).allSatisfy(i -> assertThat(i.calls.get()).isPositive());

      // An empty set is taken as a fault too, not as "no instances".
      registry.listener().instances(List.of());
      f.resetCounts();
      for (int i = 0; i < 100; i++) {
        f.echo();
      }
      assertThat(f.instances).allSatisfy(i -> assertThat(i.calls.get()).isPositive());
      assertThat(resolutions.failing()).isEqualTo(1);

      // The registry answers again, with one instance left: calls go to it alone.
      Instance kept = f.instances.get(0);
      registry.listener().instances(List.of(socket(kept)));
      awaitCondition(() -> resolutions.failing() == 0, Duration.ofSeconds(10), "recovery seen");
      awaitCondition(() -> {
        f.resetCounts();
        for (int i = 0; i < 20; i++) {
          f.echo();
        }
        return kept.calls.get() == 20;
      }, Duration.ofSeconds(10), "calls go to the one instance left");
    }
  }

  @Test
  void aSourceThatFailsFirst_isCountedAsFailing_andCallsFailFast() throws Exception {
    BackendInstances broken = (target, listener) -> {
      listener.failed("registry unreachable");
      return () -> {};
    };
    try (InstancesFixture f = new InstancesFixture(1, List.of(false), b -> b.instances(broken),
        null)) {
      var error = org.assertj.core.api.Assertions.catchThrowableOfType(
          io.grpc.StatusRuntimeException.class, f::echo);
      assertThat(error.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
      assertThat(f.channels.resolutions().failingTargets()).containsExactly(f.target);
    }
  }

  @Test
  void aClosedChannel_closesItsSubscription_andNoLongerCounts() throws Exception {
    Registry registry = new Registry();
    InstancesFixture f = new InstancesFixture(1, List.of(false), b -> b.instances(registry), null);
    try {
      registry.initial = BackendInstances.addressesOf(f.target);
      f.awaitCallsOn(f.instances, Duration.ofSeconds(10));
      registry.listener().failed("registry unreachable");
      awaitCondition(() -> f.channels.resolutions().failing() == 1, Duration.ofSeconds(10),
          "failing counted");
    } finally {
      f.close();
    }
    assertThat(registry.closed.get(10, TimeUnit.SECONDS)).isTrue();
    awaitCondition(() -> f.channels.resolutions().failing() == 0, Duration.ofSeconds(10),
        "a closed channel's backend no longer counts");
  }

  private static InetSocketAddress socket(Instance instance) {
    return BackendInstances.addressesOf(BackendTarget.list(List.of(instance.address()))).get(0);
  }

  /** A registry the test drives: it answers the first subscription with {@link #initial}. */
  private static final class Registry implements BackendInstances {
    volatile List<InetSocketAddress> initial;
    final CompletableFuture<BackendInstances.Listener> subscribed = new CompletableFuture<>();
    final CompletableFuture<Boolean> closed = new CompletableFuture<>();
    final AtomicInteger refreshes = new AtomicInteger();

    @Override
    public Subscription subscribe(BackendTarget target, Listener listener) {
      listener.instances(initial);
      subscribed.complete(listener);
      return new Subscription() {
        @Override
        public void refresh() {
          refreshes.incrementAndGet();
        }

        @Override
        public void close() {
          closed.complete(true);
        }
      };
    }

    Listener listener() throws Exception {
      return subscribed.get(10, TimeUnit.SECONDS);
    }
  }
}
