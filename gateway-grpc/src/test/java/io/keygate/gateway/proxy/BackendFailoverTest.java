package io.keygate.gateway.proxy;

import static io.keygate.gateway.proxy.InstancesFixture.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keygate.gateway.proxy.InstancesFixture.Instance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Three instances behind one {@code list:///} target, under load from several client threads:
 * one is killed, calls move to the other two within the stated bound; it is restored on the same
 * address and gets calls again. Prints the measured figures (docs/proxy.md quotes them).
 */
class BackendFailoverTest {
  private static final int CLIENT_THREADS = 4;
  /** The bound docs/proxy.md states: kill → the last failed call. */
  static final Duration STATED_BOUND = Duration.ofSeconds(1);
  /** What is asserted: the stated bound with room for a loaded 2-core CI machine. */
  private static final Duration ASSERTED_BOUND = STATED_BOUND.multipliedBy(3);

  @Test
  void killedInstance_callsGoToTheOthersWithinTheBound_andARestoredOneGetsCallsAgain()
      throws Exception {
    try (InstancesFixture f = InstancesFixture.list(3, false);
        Load load = new Load(f)) {
      // No instance serves grpc.health.v1: grpc takes UNIMPLEMENTED as serving.
      f.awaitCallsOn(f.instances, Duration.ofSeconds(10));
      load.start(CLIENT_THREADS);
      long warm = load.successes.get() + 500;
      awaitCondition(() -> load.successes.get() >= warm, Duration.ofSeconds(20), "warm load");
      assertThat(load.failures).as("no failure before the kill").isEmpty();

      Instance victim = f.instances.get(1);
      int othersBefore = f.instances.get(0).calls.get() + f.instances.get(2).calls.get();
      long killedAt = System.nanoTime();
      victim.kill();
      int victimAfterKill = victim.calls.get();
      long successesAtKill = load.successes.get();
      // Long enough, at this load, to see failures stop: several thousand calls after the kill.
      awaitCondition(() -> load.successes.get() >= successesAtKill + 5_000,
          Duration.ofSeconds(60), "calls succeed after the kill");

      List<Load.Failure> failed = new ArrayList<>(load.failures);
      long lastFailure = failed.stream().mapToLong(Load.Failure::atNanos).max().orElse(killedAt);
      Duration failover = Duration.ofNanos(Math.max(0, lastFailure - killedAt));
      // Calls in flight on the killed instance, and any picked for it before grpc saw it go.
      assertThat(failed).allSatisfy(x ->
          assertThat(x.code()).isIn(Status.Code.UNAVAILABLE, Status.Code.CANCELLED));
      assertThat(failover).as("kill → last failed call").isLessThanOrEqualTo(ASSERTED_BOUND);
      assertThat(f.instances.get(0).calls.get() + f.instances.get(2).calls.get() - othersBefore)
          .as("the other two took the calls").isGreaterThanOrEqualTo(5_000);
      assertThat(victim.calls.get()).as("nothing reached the dead instance").isEqualTo(victimAfterKill);

      long restoredAt = System.nanoTime();
      victim.restore();
      awaitCondition(() -> victim.calls.get() > victimAfterKill, Duration.ofSeconds(30),
          "the restored instance gets calls");
      Duration rejoin = Duration.ofNanos(System.nanoTime() - restoredAt);
      long failuresAfterRestore = load.failures.stream().filter(x -> x.atNanos() > restoredAt).count();
      assertThat(failuresAfterRestore).as("restoring costs no call").isZero();

      System.out.printf("failover: kill -> last failed call %d ms (%d calls failed %s, %d "
          + "succeeded after the kill, %d client threads); restore -> first call on it %d ms%n",
          failover.toMillis(), failed.size(),
          failed.stream().map(Load.Failure::code).distinct().toList(),
          load.successes.get() - successesAtKill, CLIENT_THREADS, rejoin.toMillis());
    }
  }

  /** Client threads calling as fast as answers come; records when each failure happened. */
  private static final class Load implements AutoCloseable {
    record Failure(long atNanos, Status.Code code) {}

    final AtomicLong successes = new AtomicLong();
    final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final InstancesFixture fixture;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    Load(InstancesFixture fixture) {
      this.fixture = fixture;
    }

    void start(int count) {
      for (int i = 0; i < count; i++) {
        Thread t = new Thread(this::run, "load-" + i);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
    }

    private void run() {
      while (!stop.get()) {
        try {
          fixture.echo();
          successes.incrementAndGet();
        } catch (StatusRuntimeException e) {
          failures.add(new Failure(System.nanoTime(), e.getStatus().getCode()));
        }
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(10));
      }
    }
  }
}
