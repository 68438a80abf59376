package io.keygate.benchmarks.load;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.keygate.client.XcaSigner;
import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.store.jdbc.ConfigDatabase;
import io.keygate.gateway.store.jdbc.ConfigDatabaseSettings;
import io.netty.handler.ssl.SslContext;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * How long a revocation takes to reach every node: each credential is first shown to work on
 * every node (called directly, not through the balancer), then revoked in the config store, and
 * each node is called again with it, a fresh signature each time, until it refuses
 * (UNAUTHENTICATED). The time is counted from the store write's return, as an admin call's reply
 * would be. The write goes through the store, as the admin API's RevokeCredential does, without
 * its audit record and without its refresh of its own node: every node here learns of it by its
 * poll, which is the bound that matters for the nodes an admin call did not land on.
 */
final class RevocationProbe implements AutoCloseable {
  private final List<InetSocketAddress> nodes;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final String authority;
  private final byte[] body;
  private final ConfigDatabase database;
  private final ConfigStore store;
  private final String tenant;

  RevocationProbe(List<InetSocketAddress> nodes, SslContext tls, String authority, byte[] body,
      ConfigDatabaseSettings db, String tenant) throws Exception {
    this.nodes = nodes;
    this.authority = authority;
    this.body = body;
    this.tenant = tenant;
    for (InetSocketAddress node : nodes) {
      channels.add(NettyChannelBuilder.forAddress(node.getHostString(), node.getPort())
          .sslContext(tls).overrideAuthority(authority).build());
    }
    this.database = ConfigDatabase.open(db);
    this.store = database.store(Clock.systemUTC());
  }

  /** Every node serves {@code credential} now; throws naming the node that does not. */
  void checkServed(BenchCredential credential) throws Exception {
    XcaSigner signer = XcaSigner.builder(credential.accessKey(), credential.secret()).build();
    for (int i = 0; i < channels.size(); i++) {
      Status s = call(channels.get(i), signer);
      if (!s.isOk()) {
        throw new IllegalStateException("node " + ClusterBench.hostPort(nodes.get(i)) + " refused " + credential.accessKey()
            + " before its revocation: " + s.getCode() + " " + s.getDescription());
      }
    }
  }

  /** Revokes {@code credential}; returns the milliseconds until each node refused it. */
  double[] revoke(BenchCredential credential, PrintStream out) throws Exception {
    XcaSigner signer = XcaSigner.builder(credential.accessKey(), credential.secret()).build();
    long before = System.nanoTime();
    store.revokeCredential(tenant, credential.accessKey());
    long written = System.nanoTime();
    List<CompletableFuture<Double>> refused = new ArrayList<>();
    for (ManagedChannel channel : channels) {
      refused.add(CompletableFuture.supplyAsync(() -> {
        long deadline = written + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
          Status s = call(channel, signer);
          if (s.getCode() == Status.Code.UNAUTHENTICATED) {
            return (System.nanoTime() - written) / 1e6;
          }
          java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // a call every ~2 ms
        }
        return Double.NaN; // not refused within a minute
      }));
    }
    double[] ms = new double[channels.size()];
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
        "   revoked %s (store write %.1f ms); refused by", credential.accessKey(),
        (written - before) / 1e6));
    for (int i = 0; i < ms.length; i++) {
      ms[i] = refused.get(i).get();
      line.append(String.format(Locale.ROOT, " %s after %.0f ms%s",
          ClusterBench.hostPort(nodes.get(i)), ms[i],
          i == ms.length - 1 ? "" : ","));
    }
    out.println(line);
    return ms;
  }

  private Status call(ManagedChannel channel, XcaSigner signer) {
    io.grpc.Metadata headers = new io.grpc.Metadata();
    signer.sign("/" + LoadCall.ECHO.getFullMethodName(), authority, body).headers()
        .forEach((k, v) -> headers.put(io.grpc.Metadata.Key.of(k, io.grpc.Metadata.ASCII_STRING_MARSHALLER), v));
    try {
      ClientCalls.blockingUnaryCall(
          ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
          LoadCall.ECHO, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), body);
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  @Override
  public void close() throws Exception {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    database.close();
  }
}
