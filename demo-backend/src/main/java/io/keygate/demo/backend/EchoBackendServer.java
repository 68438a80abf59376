package io.keygate.demo.backend;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A running Echo backend: {@link EchoBackend} and the standard gRPC health service on one
 * plaintext Netty server, the handlers on the threads {@link HandlerThreads} names. Closing it reports NOT_SERVING first, then lets calls in flight finish
 * for a few seconds before cutting them.
 */
public final class EchoBackendServer implements AutoCloseable {
  private static final long GRACE_SECONDS = 5;
  private final Server server;
  private final HealthStatusManager health;

  private EchoBackendServer(Server server, HealthStatusManager health) {
    this.server = server;
    this.health = health;
  }

  public static EchoBackendServer start(InetSocketAddress address, String name,
      HandlerThreads threads) throws IOException {
    HealthStatusManager health = new HealthStatusManager();
    NettyServerBuilder builder = NettyServerBuilder.forAddress(address);
    if (threads == HandlerThreads.LOOP) {
      builder.directExecutor();
    }
    Server server =
        builder
            .addService(new EchoBackend(name))
            .addService(health.getHealthService())
            .build()
            .start();
    health.setStatus(EchoServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    return new EchoBackendServer(server, health);
  }

  /** The address it listens on, with the port the system chose when asked for port 0. */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.getListenSockets().get(0);
  }

  public int port() {
    return server.getPort();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() {
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
