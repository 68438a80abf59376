package io.keygate.benchmarks.load;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.keygate.client.XcaSigner;
import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.store.StoreException;
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
import java.util.concurrent.locks.LockSupport;

/**
 * How long a change of who may call reaches every node: a credential revoked, an app's grant of
 * the API removed, the grant given again. Each credential is first shown to work on every node
 * (called directly, not through the balancer); then the change is written to the config store,
 * and each node is called with the credential, a fresh signature each time, until it answers as
 * the change says: UNAUTHENTICATED after a revocation, PERMISSION_DENIED ({@code ApiNotGranted})
 * after a grant's removal, OK after the grant. The time is counted from the store write's return,
 * which is when the admin API's RevokeCredential, RevokeGrant and Grant reply; the write goes
 * through the store as theirs do, without their audit record and without the refresh of the node
 * that served the admin call: every node here learns of it by its poll, which is the bound that
 * matters for the nodes an admin call did not land on.
 */
final class PropagationProbe implements AutoCloseable {
  private final List<InetSocketAddress> nodes;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final String authority;
  private final byte[] body;
  private final ConfigDatabase database;
  private final ConfigStore store;
  private final String tenant;

  PropagationProbe(List<InetSocketAddress> nodes, SslContext tls, String authority, byte[] body,
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
    XcaSigner signer = signer(credential);
    for (int i = 0; i < channels.size(); i++) {
      Status s = call(channels.get(i), signer);
      if (!s.isOk()) {
        throw new IllegalStateException("node " + ClusterBench.hostPort(nodes.get(i)) + " refused "
            + credential.accessKey() + " before the change: " + s.getCode() + " "
            + s.getDescription());
      }
    }
  }

  /** Revokes {@code credential}; returns the milliseconds until each node refused it. */
  double[] revoke(BenchCredential credential, PrintStream out) throws Exception {
    return change("revoked " + credential.accessKey(),
        () -> store.revokeCredential(tenant, credential.accessKey()), Status.Code.UNAUTHENTICATED,
        signer(credential), out);
  }

  /**
   * Removes the grant of {@code credential}'s app, then gives it again; returns, for each, the
   * milliseconds until each node refused (PERMISSION_DENIED), then served the credential again.
   */
  double[][] regrant(BenchCredential credential, PrintStream out) throws Exception {
    Grant grant = grantOf(credential);
    XcaSigner signer = signer(credential);
    String what = grant.appId() + " -> " + grant.apiId();
    double[] removed = change("grant " + what + " removed", () -> store.revokeGrant(grant),
        Status.Code.PERMISSION_DENIED, signer, out);
    double[] given = change("grant " + what + " given again", () -> store.grant(grant),
        Status.Code.OK, signer, out);
    return new double[][] {removed, given};
  }

  /** The one grant of the app that {@code credential} belongs to. */
  private Grant grantOf(BenchCredential credential) throws StoreException {
    String app = store.credentials(tenant).stream()
        .filter(c -> c.accessKey().equals(credential.accessKey())).map(Credential::appId)
        .findFirst().orElseThrow(() -> new IllegalStateException(
            "no credential " + credential.accessKey() + " in tenant " + tenant));
    List<Grant> grants = store.grants(tenant).stream().filter(g -> g.appId().equals(app)).toList();
    if (grants.size() != 1) {
      throw new IllegalStateException("app " + app + " has " + grants.size() + " grants, not 1");
    }
    return grants.get(0);
  }

  interface StoreWrite {
    void run() throws StoreException;
  }

  /** Writes, then calls every node until it answers {@code awaited}; ms from the write's return. */
  private double[] change(String what, StoreWrite write, Status.Code awaited, XcaSigner signer,
      PrintStream out) throws Exception {
    long before = System.nanoTime();
    write.run();
    long written = System.nanoTime();
    List<CompletableFuture<Double>> answered = new ArrayList<>();
    for (ManagedChannel channel : channels) {
      answered.add(CompletableFuture.supplyAsync(() -> {
        long deadline = written + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
          if (call(channel, signer).getCode() == awaited) {
            return (System.nanoTime() - written) / 1e6;
          }
          LockSupport.parkNanos(2_000_000); // a call every ~2 ms
        }
        return Double.NaN; // not within a minute
      }));
    }
    double[] ms = new double[channels.size()];
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
        "   %s (store write %.1f ms); %s by", what, (written - before) / 1e6,
        awaited == Status.Code.OK ? "served" : "refused (" + awaited + ")"));
    for (int i = 0; i < ms.length; i++) {
      ms[i] = answered.get(i).get();
      line.append(String.format(Locale.ROOT, " %s after %.0f ms%s",
          ClusterBench.hostPort(nodes.get(i)), ms[i], i == ms.length - 1 ? "" : ","));
    }
    out.println(line);
    return ms;
  }

  private static XcaSigner signer(BenchCredential credential) {
    return XcaSigner.builder(credential.accessKey(), credential.secret()).build();
  }

  private Status call(ManagedChannel channel, XcaSigner signer) {
    Metadata headers = new Metadata();
    signer.sign("/" + LoadCall.ECHO.getFullMethodName(), authority, body).headers()
        .forEach((k, v) -> headers.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
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
