package io.keygate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.keygate.gateway.model.BackendTarget;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A backend leg runs on the loop that serves its client: with the node's {@link TransportLoops},
 * a backend has one connection per loop, and a lease's channel answers on the loop it was taken
 * for. Real Netty, a real backend on loopback; threads are compared, never timed.
 */
class LoopAffinityTest {
  private static final String ECHO = "keygate.demo.v1.EchoService/Echo";

  private final RecordingEchoBackend backend = new RecordingEchoBackend();
  private Server server;
  private TransportLoops loops;
  private BackendChannels channels;
  private BackendTarget target;

  @BeforeEach
  void start() throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(backend, backend.recorder()))
        .build()
        .start();
    target = BackendTarget.parse("127.0.0.1:" + server.getPort());
    loops = TransportLoops.start(2);
    channels = build(BackendChannels.builder());
  }

  private BackendChannels build(BackendChannelsBuilder builder) {
    return builder.loops(loops).directCallbacks().shutdownGrace(Duration.ZERO).build();
  }

  @AfterEach
  void stop() {
    channels.close();
    server.shutdownNow();
    loops.close();
  }

  /** What one call saw: the thread its answer arrived on, and its connection at the backend. */
  private record Answer(Thread thread, SocketAddress connection) {}

  @Test
  void aLeaseTakenOnALoop_isAnsweredOnThatLoop_overThatLoopsOwnConnection() throws Exception {
    Set<SocketAddress> connections = new HashSet<>();
    for (int i = 0; i < loops.size(); i++) {
      int loop = i;
      Thread loopThread = onLoop(loop, Thread::currentThread);
      for (int call = 0; call < 3; call++) {
        Answer answer = onLoop(loop, () -> echo(channels.acquire(target))).get(10, TimeUnit.SECONDS);
        assertThat(answer.thread()).as("loop %d answers its own calls", loop).isSameAs(loopThread);
        connections.add(answer.connection());
      }
    }
    assertThat(connections).as("one backend connection a loop, reused call after call")
        .hasSize(loops.size());
  }

  @Test
  void aLeaseTakenOffTheLoops_forAClientsLoop_isAnsweredOnThatLoop() throws Exception {
    // What the HSM lane does for a signed call: it forwards on its own thread, for the loop that
    // serves the client.
    for (int i = 0; i < loops.size(); i++) {
      Thread loopThread = onLoop(i, Thread::currentThread);
      assertThat(loops.current()).as("the test's thread is no loop").isEqualTo(-1);
      Answer answer = echo(channels.acquire(target, i)).get(10, TimeUnit.SECONDS);
      assertThat(answer.thread()).isSameAs(loopThread);
    }
  }

  @Test
  void leasesTakenOffTheLoops_withoutALoop_spreadOverThem() throws Exception {
    Set<Thread> answeredOn = new HashSet<>();
    for (int call = 0; call < 2 * loops.size(); call++) {
      answeredOn.add(echo(channels.acquire(target)).get(10, TimeUnit.SECONDS).thread());
    }
    Set<Thread> loopThreads = new HashSet<>();
    for (int i = 0; i < loops.size(); i++) {
      loopThreads.add(onLoop(i, Thread::currentThread));
    }
    assertThat(answeredOn).isEqualTo(loopThreads);
  }

  @Test
  void theLimitPerBackend_countsTheCallsOfEveryLoop() throws Exception {
    try (BackendChannels one = build(BackendChannels.builder().maxCallsPerBackend(1))) {
      try (var held = one.acquire(target, 0)) {
        assertThatThrownBy(() -> one.acquire(target, 1))
            .as("another loop's channel is the same backend")
            .isInstanceOf(BackendBusyException.class);
      }
      one.acquire(target, 1).close();
    }
  }

  @Test
  void closing_shutsTheChannelOfEveryLoop() throws Exception {
    ManagedChannel first = (ManagedChannel) channels.acquire(target, 0).channel();
    ManagedChannel second = (ManagedChannel) channels.acquire(target, 1).channel();
    assertThat(second).isNotSameAs(first);
    assertThat(channels.size()).as("still one backend").isEqualTo(1);

    channels.close();

    assertThat(first.isShutdown()).isTrue();
    assertThat(second.isShutdown()).isTrue();
  }

  @Test
  void workLeftToAnotherThread_comesBackToTheClientsLoop() throws Exception {
    // What the HSM lane does after a signed call's check: the rest of the call goes back to the
    // loop that serves its client, as one task.
    for (int i = 0; i < loops.size(); i++) {
      Thread loopThread = onLoop(i, Thread::currentThread);
      CompletableFuture<Thread> ranOn = new CompletableFuture<>();
      channels.onLoop(i, () -> ranOn.complete(Thread.currentThread()));
      assertThat(ranOn.get(10, TimeUnit.SECONDS)).isSameAs(loopThread);
    }
  }

  @Test
  void workForNoLoop_orForALoopThatStopped_runsOnTheCallersThread_soItIsNeverLost() {
    // -1: the call came from no loop (a test's thread, an in-process listener).
    Thread[] ranOn = new Thread[1];
    channels.onLoop(-1, () -> ranOn[0] = Thread.currentThread());
    assertThat(ranOn[0]).isSameAs(Thread.currentThread());

    // A node stopping: its loops take no more tasks, and a check that finishes then must still
    // give its call's places back, so its continuation runs where it is.
    TransportLoops stopped = TransportLoops.start(1);
    stopped.close();
    ranOn[0] = null;
    stopped.execute(0, () -> ranOn[0] = Thread.currentThread());
    assertThat(ranOn[0]).isSameAs(Thread.currentThread());

    // Without loops of the node's own (grpc's default group): on the caller's thread too.
    BackendChannels withoutLoops =
        BackendChannels.builder().directCallbacks().shutdownGrace(Duration.ZERO).build();
    try {
      ranOn[0] = null;
      withoutLoops.onLoop(0, () -> ranOn[0] = Thread.currentThread());
      assertThat(ranOn[0]).isSameAs(Thread.currentThread());
    } finally {
      withoutLoops.close();
    }
  }

  @Test
  void offTheLoops_noLoopIsCurrent_andImpossibleLoopsAreRefused() {
    assertThat(loops.current()).isEqualTo(-1);
    assertThatThrownBy(() -> TransportLoops.start(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ProxyRoute(target, "r", new Metadata(), -2))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private <T> T onLoop(int loop, Callable<T> task) throws Exception {
    return loops.loop(loop).submit(task).get(10, TimeUnit.SECONDS);
  }

  /** One unary Echo over the lease (closed when it ends). */
  private CompletableFuture<Answer> echo(BackendChannels.Lease lease) {
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    ClientCall<byte[], byte[]> call = lease.channel().newCall(
        ByteMarshaller.methodDescriptor(ECHO), CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
    call.start(new ClientCall.Listener<>() {
      private Thread answeredOn;

      @Override
      public void onMessage(byte[] message) {
        answeredOn = Thread.currentThread();
        try {
          EchoResponse.parseFrom(message);
        } catch (Exception e) {
          answer.completeExceptionally(e);
        }
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        lease.close();
        if (!status.isOk()) {
          answer.completeExceptionally(status.asRuntimeException());
          return;
        }
        RecordingEchoBackend.CallSeen seen = backend.calls.poll();
        answer.complete(new Answer(answeredOn, seen == null ? null : seen.remote()));
      }
    }, new Metadata());
    call.request(1);
    call.sendMessage(EchoRequest.newBuilder().setMessage("loop").build().toByteArray());
    call.halfClose();
    return answer;
  }
}
