package io.keygate.benchmarks.load;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * One target driven in one shape: {@code connections} channels (one HTTP/2 connection each), each
 * with {@code inFlight} slots; a slot sends its next call from the completion of the previous one
 * (closed loop). Callbacks run on the channel's event loop (direct executor), so the client adds
 * no thread hand-off of its own. No deadline (a timer per call would be client work in the loop)
 * and no retries (they would hide errors): a call that never completes shows up when the run
 * cannot drain. A failed call is counted by its status and the slot goes on, so a workload keeps
 * running through a node's death (the cluster benchmark's faults).
 *
 * <p>The cluster benchmark adds three things, all optional: how channels secure their connection
 * (TLS to a balancer instead of h2c), a {@link Pacer} that spaces the calls of every slot to a
 * fixed rate, and an {@link Outcomes} sink that sees every call's end, in every phase, with its
 * time.
 */
final class Workload implements AutoCloseable {
  private final Target target;
  private final Shape shape;
  private final CallHeaders headers;
  private final byte[] body;
  private final Phase phase;
  private final EventLoopGroup group;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final CallTally tally = new CallTally();
  private final CountDownLatch stoppedSlots;
  private final UnaryOperator<NettyChannelBuilder> security;
  private final Pacer pacer;
  private final Outcomes outcomes;

  /** What sees every call's end (on the event loop: it must be quick and thread-safe). */
  interface Outcomes {
    Outcomes NONE = (endNanos, latencyNanos, status, answered) -> { };

    void ended(long endNanos, long latencyNanos, Status status, boolean answered);
  }

  Workload(Target target, Shape shape, CallHeaders headers, byte[] body, Phase phase,
      EventLoopGroup group) {
    // h2c with prior knowledge, as every target of the load benchmark serves on loopback
    this(target, shape, headers, body, phase, group, NettyChannelBuilder::usePlaintext, null,
        Outcomes.NONE);
  }

  /**
   * @param security makes a channel builder plaintext or TLS
   * @param pacer spaces calls to a fixed rate; null: each slot sends as soon as its call ends
   */
  Workload(Target target, Shape shape, CallHeaders headers, byte[] body, Phase phase,
      EventLoopGroup group, UnaryOperator<NettyChannelBuilder> security, Pacer pacer,
      Outcomes outcomes) {
    this.security = security;
    this.pacer = pacer;
    this.outcomes = outcomes;
    this.target = target;
    this.shape = shape;
    this.headers = headers;
    this.body = body;
    this.phase = phase;
    this.group = group;
    this.stoppedSlots = new CountDownLatch(shape.connections() * shape.inFlight());
  }

  Target target() {
    return target;
  }

  Shape shape() {
    return shape;
  }

  /** Opens the connections and sends the first call of every slot. */
  void start() {
    for (int c = 0; c < shape.connections(); c++) {
      ManagedChannel channel = security.apply(
              NettyChannelBuilder.forAddress(target.host(), target.port()))
          .overrideAuthority(target.authority())
          .eventLoopGroup(group)
          .channelType(NioSocketChannel.class)
          .directExecutor()
          .disableRetry()
          .build();
      channels.add(channel);
    }
    for (ManagedChannel channel : channels) {
      for (int s = 0; s < shape.inFlight(); s++) {
        new Slot(channel).send();
      }
    }
  }

  /** Waits for every slot to see its last call complete after {@link Phase#stop()}. */
  boolean awaitDrained(long timeout, TimeUnit unit) throws InterruptedException {
    return stoppedSlots.await(timeout, unit);
  }

  /** Slots still waiting for a call (non-zero only when the run could not drain). */
  long stuckSlots() {
    return stoppedSlots.getCount();
  }

  CallTally.Summary summary() {
    return tally.summary();
  }

  @Override
  public void close() {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow();
    }
    for (ManagedChannel channel : channels) {
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** One call in flight at a time; the listener of each of its calls in turn. */
  private final class Slot extends ClientCall.Listener<byte[]> {
    private final ManagedChannel channel;
    private long sentAt;
    private boolean answered;

    Slot(ManagedChannel channel) {
      this.channel = channel;
    }

    void send() {
      if (phase.stopping()) {
        stoppedSlots.countDown();
        return;
      }
      long wait = pacer == null ? 0 : pacer.delayNanos();
      if (wait > 0) {
        group.schedule(this::sendNow, wait, TimeUnit.NANOSECONDS);
      } else {
        sendNow();
      }
    }

    private void sendNow() {
      ClientCall<byte[], byte[]> call = channel.newCall(LoadCall.ECHO, CallOptions.DEFAULT);
      CallHeaders.Call next = headers.next();
      answered = false;
      sentAt = System.nanoTime();
      call.start(this, next.headers());
      call.request(1);
      next.send(call, body);
    }

    @Override
    public void onMessage(byte[] message) {
      answered = true;
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      long end = System.nanoTime();
      long latency = end - sentAt;
      boolean success = status.isOk() && answered;
      outcomes.ended(end, latency, status, answered);
      if (phase.measuring()) {
        if (success) {
          tally.success(latency);
        } else {
          tally.error(status.isOk() ? CallTally.OK_WITHOUT_MESSAGE : status.getCode().name());
        }
      }
      if (success) {
        send();
      } else {
        // A failure may be reported from inside call.start(); sending again from here would
        // recurse while a target keeps failing.
        group.execute(this::send);
      }
    }
  }
}
