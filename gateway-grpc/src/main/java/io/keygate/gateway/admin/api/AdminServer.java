package io.keygate.gateway.admin.api;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.TlsKeys;
import io.keygate.hsm.tls.RotatingKeyManager;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * The admin API on its own port: mutual TLS only (the server key stays in the HSM; a client
 * certificate from an admin CA is required in the handshake), then {@link AdminIdentityInterceptor}
 * → {@link AdminService}. Nothing else is served here: no reflection, no health, no proxy.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger LOG = System.getLogger("io.keygate.gateway.admin");
  // Admin requests are small; a large message is a mistake or an attack.
  private static final int MAX_MESSAGE_BYTES = 1 << 20;

  private final Server server;
  private final RotatingKeyManager tlsKeys;

  private AdminServer(Server server, RotatingKeyManager tlsKeys) {
    this.server = server;
    this.tlsKeys = tlsKeys;
  }

  /**
   * Builds and starts the admin server.
   *
   * @param random makes request ids (128 bits each)
   * @throws HsmException if the TLS key cannot be used
   * @throws IOException if the port cannot be bound
   */
  public static AdminServer start(
      AdminServerSettings settings, TlsKeys hsm, AdminService service, SecureRandom random)
      throws HsmException, IOException {
    Supplier<String> requestIds = () -> {
      byte[] id = new byte[16];
      random.nextBytes(id);
      return HexFormat.of().formatHex(id);
    };
    RotatingKeyManager tlsKeys =
        new RotatingKeyManager(settings.tlsKey().value(), hsm.tlsKeyManager(settings.tlsKey()));
    Server server = NettyServerBuilder.forAddress(settings.listen())
        .sslContext(tls(settings, tlsKeys))
        .maxInboundMessageSize(MAX_MESSAGE_BYTES)
        .addService(ServerInterceptors.intercept(service, new AdminIdentityInterceptor(requestIds)))
        .build()
        .start();
    LOG.log(Level.INFO, "admin API listening on {0} (mutual TLS)", server.getListenSockets());
    return new AdminServer(server, tlsKeys);
  }

  /**
   * TLS 1.3 (1.2 allowed) with the key in the HSM: the JDK's TLS stack signs through the token's
   * provider (OpenSSL could not). ClientAuth.REQUIRE makes a client without a certificate from an
   * admin CA fail the handshake, before any gRPC call exists.
   */
  static SslContext tls(AdminServerSettings settings, RotatingKeyManager keys)
      throws SSLException {
    return GrpcSslContexts.configure(SslContextBuilder.forServer(keys.asFactory()), SslProvider.JDK)
        .protocols("TLSv1.3", "TLSv1.2")
        .trustManager(settings.adminCas().toArray(X509Certificate[]::new))
        .clientAuth(ClientAuth.REQUIRE)
        .build();
  }

  /** The listener's key, which {@code TlsKeyFollower} replaces on a rotation. */
  public RotatingKeyManager tlsKeys() {
    return tlsKeys;
  }

  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /** Stops accepting calls and gives running ones a few seconds to finish. */
  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
