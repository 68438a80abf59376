package io.keygate.admin.remote;

import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.keygate.admin.cli.AdminException;
import io.keygate.admin.cli.ExitCode;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Mutual-TLS channels over Netty with the JDK's TLS: the officer's key and certificate from PEM
 * files, the gateway's admin certificate checked against the given CA and the host name.
 */
public final class NettyAdminChannels implements AdminChannelFactory {

  @Override
  public ManagedChannel open(AdminEndpoint endpoint) throws Exception {
    requireReadable(endpoint.clientCertificate(), "--cert");
    requireReadable(endpoint.clientKey(), "--key");
    requireReadable(endpoint.trustedCa(), "--ca");
    SslContext ssl;
    try {
      ssl =
          GrpcSslContexts.configure(
                  io.netty.handler.ssl.SslContextBuilder.forClient()
                      .keyManager(
                          endpoint.clientCertificate().toFile(), endpoint.clientKey().toFile())
                      .trustManager(endpoint.trustedCa().toFile()),
                  SslProvider.JDK)
              .build();
    } catch (Exception e) {
      // Netty says which file it could not parse; the key's content never reaches the message.
      throw new AdminException(
          ExitCode.USAGE,
          "cannot use the client certificate, key or CA files: " + e.getMessage(),
          e);
    }
    return NettyChannelBuilder.forTarget(endpoint.target()).sslContext(ssl).build();
  }

  private static void requireReadable(Path file, String option) throws AdminException {
    if (file == null) {
      throw new AdminException(ExitCode.USAGE, option + " is required to reach the admin server");
    }
    if (!Files.isReadable(file)) {
      throw new AdminException(ExitCode.USAGE, option + " file is not readable: " + file);
    }
  }
}
