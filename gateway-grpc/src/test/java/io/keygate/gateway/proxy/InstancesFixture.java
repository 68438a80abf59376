package io.keygate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCallHandler;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import io.keygate.gateway.model.BackendAddress;
import io.keygate.gateway.model.BackendTarget;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * Several instances of one backend (real Netty servers, one per loopback address 127.0.0.1,
 * 127.0.0.2, …), a proxy that routes every call to one target naming them, and a plaintext client
 * channel to the proxy. An instance can be killed and restored on the same address and port.
 */
final class InstancesFixture implements AutoCloseable {
  final List<Instance> instances = new ArrayList<>();
  final BackendChannels channels;
  final Server proxyServer;
  final ManagedChannel clientChannel;
  volatile BackendTarget target;

  /**
   * @param count instances, on 127.0.0.1 … 127.0.0.{count}
   * @param withHealth whether instance i (0-based) serves grpc.health.v1
   * @param settings adjusts the proxy's channels (limits, the instance source)
   * @param target makes the target from the instances' addresses ({@code null}: the list form)
   */
  InstancesFixture(int count, List<Boolean> withHealth,
      UnaryOperator<BackendChannelsBuilder> settings,
      java.util.function.Function<List<BackendAddress>, BackendTarget> target) throws IOException {
    for (int i = 0; i < count; i++) {
      Instance instance = new Instance("instance-" + (i + 1), "127.0.0." + (i + 1),
          withHealth.get(i));
      instance.start(0);
      instances.add(instance);
    }
    List<BackendAddress> addresses = instances.stream().map(Instance::address).toList();
    this.target = target == null ? BackendTarget.list(addresses) : target.apply(addresses);
    channels = settings.apply(BackendChannels.builder().shutdownGrace(Duration.ZERO)).build();
    BackendProxy proxy = new BackendProxy(channels, MetadataPolicy.defaults(),
        BackendProxy.DEFAULT_DEADLINE_OFFSET);
    ServerCallHandler<byte[], byte[]> handler = (call, headers) ->
        proxy.forward(call, headers, new ProxyRoute(this.target, "req-1", new Metadata()))
            .listener();
    InetAddress loopback = InetAddress.getLoopbackAddress();
    proxyServer = NettyServerBuilder.forAddress(new InetSocketAddress(loopback, 0))
        .fallbackHandlerRegistry(new ProxyHandlerRegistry(handler))
        .build()
        .start();
    clientChannel = NettyChannelBuilder
        .forAddress(new InetSocketAddress(loopback, proxyServer.getPort()))
        .usePlaintext()
        .build();
  }

  static InstancesFixture list(int count, boolean withHealth) throws IOException {
    List<Boolean> health = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      health.add(withHealth);
    }
    return new InstancesFixture(count, health, b -> b, null);
  }

  EchoServiceGrpc.EchoServiceBlockingStub blocking() {
    return EchoServiceGrpc.newBlockingStub(clientChannel).withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  /** One unary call through the proxy; returns the name of the instance that answered. */
  String echo() {
    return blocking().echo(EchoRequest.newBuilder().setMessage("hi").build()).getBackend();
  }

  /** Calls until every instance in {@code expected} has answered at least once. */
  void awaitCallsOn(List<Instance> expected, Duration within) {
    awaitCondition(() -> {
      echo();
      return expected.stream().allMatch(i -> i.calls.get() > 0);
    }, within, "every expected instance answers");
  }

  /** Polls {@code condition} until it holds; fails after {@code within}. No sleeping. */
  static void awaitCondition(BooleanSupplier condition, Duration within, String what) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("waited %s for: %s", within, what).isNegative();
      LockSupport.parkNanos(1_000_000); // a poll interval, not a guess at how long it takes
    }
  }

  void resetCounts() {
    instances.forEach(i -> i.calls.set(0));
  }

  @Override
  public void close() {
    clientChannel.shutdownNow();
    proxyServer.shutdownNow();
    channels.close();
    instances.forEach(Instance::kill);
  }

  /** One instance: the Echo service answering with its name, maybe grpc.health.v1 too. */
  static final class Instance {
    final String name;
    final String host;
    final boolean withHealth;
    final AtomicInteger calls = new AtomicInteger();
    volatile HealthStatusManager health;
    private volatile Server server;
    private volatile int port;

    Instance(String name, String host, boolean withHealth) {
      this.name = name;
      this.host = host;
      this.withHealth = withHealth;
    }

    BackendAddress address() {
      return new BackendAddress(host, port);
    }

    int port() {
      return port;
    }

    /** Starts serving on {@code port} (0: any free port, remembered for {@link #restore}). */
    void start(int port) {
      try {
        NettyServerBuilder b = NettyServerBuilder
            .forAddress(new InetSocketAddress(InetAddress.getByName(host), port))
            // A restored instance binds the port its predecessor's connections still linger on.
            .withOption(ChannelOption.SO_REUSEADDR, true)
            .addService(new NamedEcho());
        if (withHealth) {
          health = new HealthStatusManager();
          b.addService(health.getHealthService());
        }
        server = b.build().start();
        this.port = server.getPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Stops at once: open connections are cut, as when the process dies. */
    void kill() {
      Server s = server;
      if (s != null) {
        s.shutdownNow();
        try {
          s.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /** A new server on the same address and port. */
    void restore() {
      start(port);
    }

    void setServing(boolean serving) {
      health.setStatus("", serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
    }

    private final class NamedEcho extends EchoServiceGrpc.EchoServiceImplBase {
      @Override
      public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
        calls.incrementAndGet();
        out.onNext(EchoResponse.newBuilder()
            .setMessage(request.getMessage())
            .setBackend(name)
            .build());
        out.onCompleted();
      }
    }
  }
}
