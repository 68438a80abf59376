package io.keygate.gateway.proxy;

import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import io.keygate.gateway.model.BackendTarget;

import static io.keygate.gateway.proxy.EchoMessages.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real backend and a real proxy, both Netty servers on loopback, and a plaintext client channel
 * to the proxy. One per test; {@link #close()} stops everything.
 */
final class ProxyFixture implements AutoCloseable {
  /** Raised on every hop, explicitly: the 4.5 MiB message exceeds grpc's 4 MiB default. */
  static final int MAX_MESSAGE_BYTES = 8 << 20;

  /**
   * Large, so that even a cold JVM's first call (tens of milliseconds between hops) leaves the
   * backend's deadline before the client's, and the proxy's own timeout answer comes first.
   */
  static final Duration DEADLINE_OFFSET = Duration.ofMillis(500);

  static final Metadata.Key<String> GATEWAY_APP =
      Metadata.Key.of("x-keygate-app", Metadata.ASCII_STRING_MARSHALLER);

  final RecordingEchoBackend backend = new RecordingEchoBackend();
  final Server backendServer;
  final BackendTarget backendTarget;
  final BackendChannels channels;
  /** Full method name → backend; starts with the four Echo methods routed to the backend. */
  final Map<String, BackendTarget> routes = new ConcurrentHashMap<>();
  /** What the gateway adds to each call; tests may swap it. */
  final AtomicReference<Function<BackendTarget, Metadata>> gatewayHeaders = new AtomicReference<>();
  final Server proxyServer;
  final ManagedChannel clientChannel;
  /** Every call the proxy took on, in arrival order (tests end them from outside). */
  final BlockingQueue<Forwarded> forwarded = new LinkedBlockingQueue<>();

  ProxyFixture() throws IOException {
    this(List.of());
  }

  /** @param proxyInterceptors installed on the proxy server, as the gateway installs auth */
  ProxyFixture(List<ServerInterceptor> proxyInterceptors) throws IOException {
    this(proxyInterceptors, b -> b);
  }

  /** @param settings adjusts the proxy's backend channels (limits, timeouts) */
  ProxyFixture(List<ServerInterceptor> proxyInterceptors,
      UnaryOperator<BackendChannelsBuilder> settings) throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    backendServer =
        NettyServerBuilder.forAddress(new InetSocketAddress(loopback, 0))
            .addService(ServerInterceptors.intercept(backend, backend.recorder()))
            .maxInboundMessageSize(MAX_MESSAGE_BYTES)
            .build()
            .start();
    backendTarget = new BackendTarget(loopback.getHostAddress(), backendServer.getPort());
    for (MethodDescriptor<?, ?> method : EchoServiceGrpc.getServiceDescriptor().getMethods()) {
      routes.put(method.getFullMethodName(), backendTarget);
    }
    gatewayHeaders.set(
        target -> {
          Metadata identity = new Metadata();
          identity.put(GATEWAY_APP, "app-42");
          return identity;
        });
    channels = settings.apply(
        BackendChannels.builder().maxInboundMessageBytes(MAX_MESSAGE_BYTES)).build();
    BackendProxy backendProxy =
        new BackendProxy(channels, MetadataPolicy.defaults(), DEADLINE_OFFSET);
    // Stands in for the data plane, which decides the route before the proxy sees the call.
    ServerCallHandler<byte[], byte[]> handler =
        (call, headers) -> {
          BackendTarget target = routes.get(call.getMethodDescriptor().getFullMethodName());
          if (target == null) {
            call.close(Status.UNIMPLEMENTED, new Metadata());
            return new ServerCall.Listener<>() {};
          }
          Forwarded started = backendProxy.forward(
              call, headers, new ProxyRoute(target, "req-1", gatewayHeaders.get().apply(target)));
          forwarded.add(started);
          return started.listener();
        };
    NettyServerBuilder proxy =
        NettyServerBuilder.forAddress(new InetSocketAddress(loopback, 0))
            .fallbackHandlerRegistry(new ProxyHandlerRegistry(handler))
            .maxInboundMessageSize(MAX_MESSAGE_BYTES);
    proxyInterceptors.forEach(proxy::intercept);
    proxyServer = proxy.build().start();
    clientChannel =
        NettyChannelBuilder.forAddress(new InetSocketAddress(loopback, proxyServer.getPort()))
            .usePlaintext()
            .maxInboundMessageSize(MAX_MESSAGE_BYTES)
            .build();
  }

  EchoServiceGrpc.EchoServiceBlockingStub blocking() {
    return EchoServiceGrpc.newBlockingStub(clientChannel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  EchoServiceGrpc.EchoServiceStub async() {
    return EchoServiceGrpc.newStub(clientChannel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  /** Fails unless a plain unary call still goes through. */
  void assertServesAgain() {
    assertThat(blocking().echo(request("still there?", 1)).getMessage()).isEqualTo("still there?");
  }

  /** A client-streaming call: sends all, half-closes, returns the one response. */
  EchoResponse collect(List<EchoRequest> requests) throws Exception {
    CompletableFuture<List<EchoResponse>> done = new CompletableFuture<>();
    StreamObserver<EchoRequest> out = async().collect(collecting(done));
    requests.forEach(out::onNext);
    out.onCompleted();
    return done.get(30, TimeUnit.SECONDS).get(0);
  }

  /** A bidi call: sends all, half-closes, returns every response. */
  List<EchoResponse> chat(List<EchoRequest> requests) throws Exception {
    CompletableFuture<List<EchoResponse>> done = new CompletableFuture<>();
    StreamObserver<EchoRequest> out = async().chat(collecting(done));
    requests.forEach(out::onNext);
    out.onCompleted();
    return done.get(30, TimeUnit.SECONDS);
  }

  private static StreamObserver<EchoResponse> collecting(
      CompletableFuture<List<EchoResponse>> done) {
    List<EchoResponse> responses = new ArrayList<>();
    return new StreamObserver<>() {
      @Override
      public void onNext(EchoResponse value) {
        responses.add(value);
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        done.complete(responses);
      }
    };
  }

  /** A loopback port where nothing listens (it was free a moment ago). */
  static BackendTarget deadBackend() {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket socket = new ServerSocket(0, 1, loopback)) {
      return new BackendTarget(loopback.getHostAddress(), socket.getLocalPort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    clientChannel.shutdownNow();
    proxyServer.shutdownNow();
    channels.close();
    backendServer.shutdownNow();
    try {
      clientChannel.awaitTermination(5, TimeUnit.SECONDS);
      proxyServer.awaitTermination(5, TimeUnit.SECONDS);
      backendServer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
