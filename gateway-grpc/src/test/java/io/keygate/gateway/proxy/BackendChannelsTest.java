package io.keygate.gateway.proxy;

import io.keygate.gateway.model.BackendTarget;
import io.keygate.gateway.model.BackendTls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Channels are built but never connect here: building a grpc channel does not dial. */
class BackendChannelsTest {
  private static final BackendTarget A = BackendTarget.parse("127.0.0.1:50001");
  private static final BackendTarget B = BackendTarget.parse("127.0.0.1:50002");
  private static final BackendTarget C = BackendTarget.parse("127.0.0.1:50003");

  private final MutableClock clock = new MutableClock();
  private final BackendChannels channels =
      BackendChannels.builder()
          .maxTargets(2)
          .idleTimeout(Duration.ofMinutes(5))
          .shutdownGrace(Duration.ZERO)
          .clock(clock)
          .build();

  @AfterEach
  void close() {
    channels.close();
  }

  @Test
  void acquire_reusesOneChannelPerTarget() {
    try (var first = channels.acquire(A);
        var second = channels.acquire(A);
        var other = channels.acquire(B)) {
      assertThat(second.channel()).isSameAs(first.channel());
      assertThat(other.channel()).isNotSameAs(first.channel());
      assertThat(channels.size()).isEqualTo(2);
    }
  }

  @Test
  void aChangedPolicy_givesNewCallsANewChannel_andTheOldOneFinishesItsCalls() throws Exception {
    var policy = new java.util.concurrent.atomic.AtomicReference<java.util.Optional<BackendTls>>(
        java.util.Optional.empty());
    try (BackendChannels followed = BackendChannels.builder()
        .credentials(new BackendCredentials() {
          @Override
          public java.util.Optional<BackendTls> policyFor(BackendTarget target) {
            return policy.get();
          }

          @Override
          public io.grpc.ChannelCredentials credentials(java.util.Optional<BackendTls> p) {
            return io.grpc.InsecureChannelCredentials.create();
          }
        })
        .shutdownGrace(Duration.ZERO)
        .clock(clock)
        .build()) {
      var running = followed.acquire(A);
      ManagedChannel before = (ManagedChannel) running.channel();
      // Each snapshot holds its own copy: an equal policy keeps the channel.
      policy.set(java.util.Optional.of(BackendTls.plaintext(A.toString())));
      ManagedChannel plain = (ManagedChannel) followed.acquire(A).channel();
      policy.set(java.util.Optional.of(BackendTls.plaintext(A.toString())));
      assertThat(followed.acquire(A).channel()).isSameAs(plain);

      assertThat(plain).isNotSameAs(before);
      assertThat(before.isShutdown()).as("the old channel takes no new call").isTrue();
      assertThat(followed.calls(A)).as("only the new channel's calls count").isEqualTo(2);
      running.close();
      assertThat(followed.size()).isEqualTo(1);
    }
  }

  @Test
  void acquire_refusesATargetBeyondTheLimit_withAClearMessage() {
    channels.acquire(A).close();
    channels.acquire(B).close();

    assertThatThrownBy(() -> channels.acquire(C))
        .isInstanceOf(TooManyBackendsException.class)
        .hasMessageContaining("2 backends")
        .hasMessageContaining(C.toString());
    assertThat(channels.targets()).containsExactlyInAnyOrder(A, B);
  }

  @Test
  void reapIdle_closesChannelsUnusedForTheIdleTimeout() {
    var lease = channels.acquire(A);
    ManagedChannel channel = (ManagedChannel) lease.channel();
    lease.close();

    clock.advance(Duration.ofMinutes(4));
    assertThat(channels.reapIdle()).isZero();
    clock.advance(Duration.ofMinutes(1));
    assertThat(channels.reapIdle()).isEqualTo(1);

    assertThat(channels.size()).isZero();
    assertThat(channel.isShutdown()).isTrue();
  }

  @Test
  void reapIdle_keepsChannelsThatCarryACall() {
    try (var lease = channels.acquire(A)) {
      clock.advance(Duration.ofHours(1));

      assertThat(channels.reapIdle()).isZero();
      assertThat(((ManagedChannel) lease.channel()).isShutdown()).isFalse();
    }
  }

  @Test
  void reapIdle_freesASlotForAnotherTarget_andAReapedTargetGetsAFreshChannel() {
    var old = channels.acquire(A);
    old.close();
    channels.acquire(B).close();
    clock.advance(Duration.ofMinutes(5));
    channels.reapIdle();

    channels.acquire(C).close();
    try (var again = channels.acquire(A)) {
      assertThat(again.channel()).isNotSameAs(old.channel());
      assertThat(channels.targets()).containsExactlyInAnyOrder(A, C);
    }
  }

  @Test
  void lease_closeIsIdempotent() {
    var lease = channels.acquire(A);
    lease.close();
    lease.close(); // a second close must not free a slot that another call holds

    var held = channels.acquire(A);
    clock.advance(Duration.ofHours(1));
    assertThat(channels.reapIdle()).isZero();
    held.close();
  }

  @Test
  void close_shutsChannelsDown_andRefusesNewLeases() {
    var lease = channels.acquire(A);
    ManagedChannel channel = (ManagedChannel) lease.channel();

    channels.close();

    assertThat(channel.isShutdown()).isTrue();
    assertThatThrownBy(() -> channels.acquire(A)).isInstanceOf(IllegalStateException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "127.0.0.1:1", "backend.internal:1", "dns:///backend.internal:1", "[::1]:1",
    "dns:///[::1]:1", "[2001:db8::7]:1", "unix:1", "xds:1",
    "list:///127.0.0.1:1", "list:///[::1]:1,127.0.0.1:1"
  })
  void acquire_buildsAChannelForEveryAcceptedForm_withTheTargetsAuthority(String text) {
    BackendTarget target = BackendTarget.parse(text);
    try (BackendChannels any = BackendChannels.builder().shutdownGrace(Duration.ZERO).build();
        var lease = any.acquire(target)) {
      // A host named like a grpc scheme (unix, xds) is still a host: the DNS scheme is explicit.
      assertThat(lease.channel().authority()).isEqualTo(target.authority());
    }
  }

  @Test
  void acquire_refusesACallPastTheBackendsLimit_andAnEndedCallFreesItsPlace() {
    try (BackendChannels limited = BackendChannels.builder().maxCallsPerBackend(2)
        .shutdownGrace(Duration.ZERO).build()) {
      var first = limited.acquire(A);
      var second = limited.acquire(A);

      assertThatThrownBy(() -> limited.acquire(A))
          .isInstanceOf(BackendBusyException.class)
          .hasMessageContaining(A.toString())
          .hasMessageContaining("2 calls");
      try (var other = limited.acquire(B)) {
        assertThat(limited.calls(B)).as("another backend has its own limit").isEqualTo(1);
      }
      assertThat(limited.calls(A)).isEqualTo(2);

      first.close();
      try (var third = limited.acquire(A)) {
        assertThat(limited.calls(A)).isEqualTo(2);
      }
      second.close();
      assertThat(limited.calls(A)).isZero();
    }
  }

  @Test
  void builder_refusesANonPositiveBackendLimit() {
    assertThatThrownBy(() -> BackendChannels.builder().maxCallsPerBackend(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A clock the test moves by hand. */
  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
