package io.keygate.gateway.admin;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.keygate.client.AccessSecret;
import io.keygate.client.SigningClientInterceptor;
import io.keygate.demo.backend.EchoBackend;
import io.keygate.gateway.dataplane.GatewaySettings;
import io.keygate.gateway.e2e.DemoTenants;
import io.keygate.gateway.errors.ErrorReplies;
import io.keygate.gateway.node.GatewayNode;
import io.keygate.gateway.node.NodeSettings;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.admin.v1.AddCredentialRequest;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.Api;
import io.keygate.proto.admin.v1.AuthMode;
import io.keygate.proto.admin.v1.CreateAppRequest;
import io.keygate.proto.admin.v1.CreateAuthorizationRequest;
import io.keygate.proto.admin.v1.CreateCredentialRequest;
import io.keygate.proto.admin.v1.CreateGrantRequest;
import io.keygate.proto.admin.v1.Grant;
import io.keygate.proto.admin.v1.IssuedCredential;
import io.keygate.proto.admin.v1.RegisterApiRequest;
import io.keygate.proto.admin.v1.RetireCredentialRequest;
import io.keygate.proto.admin.v1.RevokeAuthorizationRequest;
import io.keygate.proto.admin.v1.RevokeCredentialRequest;
import io.keygate.proto.admin.v1.RevokeGrantRequest;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 9: a revocation reaches the calls already open. Two gateway nodes on one store and one
 * token, and a client-streaming call (Collect: one message sent, never half-closed) open on
 * each. The grant, the credential or the cross-tenant authorization behind both is revoked
 * through the admin API, which writes the store and refreshes only its own snapshot: the two
 * gateway nodes learn of it from their poll. Both streams end with the status and code a new
 * call gets, within the poll interval plus a load, the backend sees both calls cancelled, and a
 * call that is still allowed goes through at once on both nodes. A grant given again reaches both
 * nodes the same way, within the same bound.
 */
class OpenCallRevocationEndToEndTest {
  private static final java.time.Duration POLL = java.time.Duration.ofMillis(250);
  /** How long a node may take: one poll, one load, and room for a busy 2-core machine. */
  private static final java.time.Duration BOUND = POLL.plusSeconds(2);
  private static final String ACME = AdminFixture.ACME;
  private static final String GLOBEX = AdminFixture.GLOBEX;
  private static final String COLLECT_API = "api-collect";
  private static final Metadata.Key<String> GATEWAY_APP =
      Metadata.Key.of("x-keygate-app", Metadata.ASCII_STRING_MARSHALLER);

  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("revocation");

  private static AdminFixture admin;
  private static Server backend;
  private static final List<GatewayNode> nodes = new ArrayList<>();
  private static final List<ManagedChannel> channels = new ArrayList<>();
  /** The app (x-keygate-app) of each call that reached the backend, in arrival order. */
  private static final BlockingQueue<String> backendStarted = new LinkedBlockingQueue<>();
  /** The app of each backend call that was cancelled. */
  private static final BlockingQueue<String> backendCancelled = new LinkedBlockingQueue<>();

  @BeforeAll
  static void start() throws Exception {
    admin = new AdminFixture(tokens).start("revocation");
    backend = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(new EchoBackend("acme-backend"), recordCalls()))
        .build().start();
    // The clients below send their calls to localhost: an officer gives acme that domain and
    // the backend first.
    String target = "127.0.0.1:" + backend.getPort();
    admin.store.allowDomain(new io.keygate.gateway.model.DomainAllowance(ACME, "localhost"));
    admin.store.allowBackend(new io.keygate.gateway.model.BackendAllowance(ACME, target, false));
    admin.as(admin.acmeAdmin).registerApi(RegisterApiRequest.newBuilder().setApi(Api.newBuilder()
        .setId(COLLECT_API).setTenantId(ACME).setDomain("localhost").setMethodName(DemoTenants.COLLECT)
        .setBackendTarget("127.0.0.1:" + backend.getPort()).setAuthMode(AuthMode.SIGNATURE)).build());
    for (int i = 0; i < 2; i++) {
      // One store, one token, one clock (the admin's: tests move it); each node its own port,
      // poll, audit head file and threads.
      GatewayNode node = GatewayNode.builder(NodeSettings.local(
              GatewaySettings.defaults(new InetSocketAddress("127.0.0.1", 0), KeyLabel.of("admin-tls")),
              Files.createTempDirectory("keygate-revocation-node-")))
          .token(admin.hsm)
          .database(admin.database)
          .clock(admin.clock)
          .snapshotPollInterval(POLL)
          .start();
      nodes.add(node);
      channels.add(NettyChannelBuilder.forAddress("localhost", node.port())
          .sslContext(GrpcSslContexts.forClient().trustManager(admin.serverCert).build()).build());
    }
  }

  @AfterAll
  static void stop() throws Exception {
    channels.forEach(ManagedChannel::shutdownNow);
    nodes.forEach(GatewayNode::close);
    if (backend != null) {
      backend.shutdownNow().awaitTermination(5, SECONDS);
    }
    if (admin != null) {
      admin.close();
    }
  }

  @BeforeEach
  void forgetEarlierCalls() {
    backendStarted.clear();
    backendCancelled.clear();
  }

  @Test
  void revokingTheGrant_endsTheOpenStreamsOnBothNodes_withApiNotGranted_andGrantingItAgainReachesBoth()
      throws Exception {
    IssuedCredential revoked = grantedApp("acme-grant-1");
    IssuedCredential kept = grantedApp("acme-grant-2");
    List<OpenStream> streams = openOnEachNode(revoked, "acme-grant-1");

    long revokedAt = System.nanoTime();
    admin.as(admin.acmeAdmin).revokeGrant(RevokeGrantRequest.newBuilder()
        .setGrant(grant("acme-grant-1")).build());

    assertEndedOnBothNodes(streams, revokedAt, Status.Code.PERMISSION_DENIED, "ApiNotGranted");
    assertBackendCancelledBoth("acme-grant-1");
    assertStillServedOnBothNodes(kept);
    assertRefusedOnBothNodes(revoked, Status.Code.PERMISSION_DENIED, "ApiNotGranted");

    // The grant given again: the nodes learn it from their poll too, and serve the app again.
    long grantedAt = System.nanoTime();
    admin.as(admin.acmeAdmin).createGrant(
        CreateGrantRequest.newBuilder().setGrant(grant("acme-grant-1")).build());
    assertServedOnBothNodesWithinTheBound(revoked, grantedAt);
  }

  @Test
  void revokingTheCredential_endsTheOpenStreamsOnBothNodes_withKeyRevoked() throws Exception {
    IssuedCredential revoked = grantedApp("acme-cred");
    // Rotation's second credential of the same app: untouched by the revocation of the first.
    IssuedCredential kept = admin.as(admin.acmeAdmin).addCredential(AddCredentialRequest.newBuilder()
        .setTenantId(ACME).setAppId("acme-cred").build());
    List<OpenStream> streams = openOnEachNode(revoked, "acme-cred");

    long revokedAt = System.nanoTime();
    admin.as(admin.officer).revokeCredential(RevokeCredentialRequest.newBuilder()
        .setTenantId(ACME).setAccessKey(revoked.getCredential().getAccessKey()).build());

    assertEndedOnBothNodes(
        streams, revokedAt, Status.Code.UNAUTHENTICATED, "AccessKeyRevokedOrExpired");
    assertBackendCancelledBoth("acme-cred");
    assertStillServedOnBothNodes(kept);
    assertRefusedOnBothNodes(revoked, Status.Code.UNAUTHENTICATED, "AccessKeyRevokedOrExpired");
  }

  @Test
  void revokingACrossTenantAuthorization_endsTheOpenStreamsOnBothNodes_withAuthorizationExpired()
      throws Exception {
    IssuedCredential revoked = authorizedGlobexApp("globex-x", "auth-x");
    IssuedCredential kept = authorizedGlobexApp("globex-y", "auth-y");
    List<OpenStream> streams = openOnEachNode(revoked, "globex-x");

    long revokedAt = System.nanoTime();
    admin.as(admin.acmeAdmin).revokeAuthorization(RevokeAuthorizationRequest.newBuilder()
        .setGrantorTenantId(ACME).setAuthorizationId("auth-x").build());

    assertEndedOnBothNodes(
        streams, revokedAt, Status.Code.PERMISSION_DENIED, "AuthorizationExpired");
    assertBackendCancelledBoth("globex-x");
    assertStillServedOnBothNodes(kept);
    assertRefusedOnBothNodes(revoked, Status.Code.PERMISSION_DENIED, "AuthorizationExpired");
  }

  @Test
  void aRetiredCredential_endsTheOpenStreamsOnBothNodes_whenItsEndPasses() throws Exception {
    IssuedCredential retired = grantedApp("acme-retire");
    IssuedCredential kept = admin.as(admin.acmeAdmin).addCredential(AddCredentialRequest.newBuilder()
        .setTenantId(ACME).setAppId("acme-retire").build());
    List<OpenStream> streams = openOnEachNode(retired, "acme-retire");
    admin.as(admin.officer).retireCredential(RetireCredentialRequest.newBuilder()
        .setTenantId(ACME).setAccessKey(retired.getCredential().getAccessKey())
        .setAfter(Duration.newBuilder().setSeconds(5)).build());
    for (GatewayNode node : nodes) {
      node.refreshConfiguration(); // each node knows the end now, and has re-checked its calls
    }
    assertThat(streams).as("still open before the end passes")
        .noneMatch(stream -> stream.ended.isDone());

    // Below the 30 s staleness limit: the end passing is what ends the streams, nothing else.
    admin.clock.advance(java.time.Duration.ofSeconds(6));
    long expiredAt = System.nanoTime();

    assertEndedOnBothNodes(
        streams, expiredAt, Status.Code.UNAUTHENTICATED, "AccessKeyRevokedOrExpired");
    assertBackendCancelledBoth("acme-retire");
    assertStillServedOnBothNodes(kept);
  }

  // ---- set-up through the admin API, as an operator would ----

  /** A new acme app, its first credential, and a grant for Collect. */
  private static IssuedCredential grantedApp(String app) {
    AdminServiceBlockingStub acme = admin.as(admin.acmeAdmin);
    acme.createApp(CreateAppRequest.newBuilder().setTenantId(ACME).setId(app).setName(app).build());
    IssuedCredential issued = acme.createCredential(
        CreateCredentialRequest.newBuilder().setTenantId(ACME).setAppId(app).build());
    acme.createGrant(CreateGrantRequest.newBuilder().setGrant(grant(app)).build());
    return issued;
  }

  private static Grant grant(String app) {
    return Grant.newBuilder().setTenantId(ACME).setAppId(app).setApiId(COLLECT_API).build();
  }

  /** A new globex app and its credential; acme authorizes it to call Collect for an hour. */
  private static IssuedCredential authorizedGlobexApp(String app, String authorization) {
    AdminServiceBlockingStub globex = admin.as(admin.globexAdmin);
    globex.createApp(CreateAppRequest.newBuilder().setTenantId(GLOBEX).setId(app).setName(app).build());
    IssuedCredential issued = globex.createCredential(
        CreateCredentialRequest.newBuilder().setTenantId(GLOBEX).setAppId(app).build());
    admin.as(admin.acmeAdmin).createAuthorization(CreateAuthorizationRequest.newBuilder()
        .setId(authorization).setGrantorTenantId(ACME).setGranteeAppId(app)
        .addApiIds(COLLECT_API).setValidFor(Duration.newBuilder().setSeconds(3600)).build());
    return issued;
  }

  // ---- calls ----

  /** A Collect call held open: its first message sent (so it is authenticated), never half-closed. */
  private static final class OpenStream {
    final CompletableFuture<StatusRuntimeException> ended = new CompletableFuture<>();
    volatile long endedAt;

    OpenStream(Channel channel) {
      StreamObserver<EchoRequest> requests = EchoServiceGrpc.newStub(channel)
          .withDeadlineAfter(60, SECONDS)
          .collect(new StreamObserver<>() {
            @Override
            public void onNext(EchoResponse value) {}

            @Override
            public void onError(Throwable t) {
              endedAt = System.nanoTime();
              ended.complete((StatusRuntimeException) t);
            }

            @Override
            public void onCompleted() {
              ended.completeExceptionally(new AssertionError("the stream completed normally"));
            }
          });
      requests.onNext(EchoRequest.newBuilder().setMessage("first").build());
    }
  }

  /**
   * Opens a stream on each node and waits until both have reached the backend. First each node
   * loads the set-up (the admin API refreshes only its own snapshot); the revocation that follows
   * is left to the nodes' polls.
   */
  private static List<OpenStream> openOnEachNode(IssuedCredential credential, String app)
      throws Exception {
    for (GatewayNode node : nodes) {
      node.refreshConfiguration();
    }
    List<OpenStream> streams = new ArrayList<>();
    for (ManagedChannel channel : channels) {
      streams.add(new OpenStream(signed(channel, credential)));
    }
    for (int i = 0; i < streams.size(); i++) {
      assertThat(backendStarted.poll(10, SECONDS)).as("stream %d reached the backend", i).isEqualTo(app);
    }
    return streams;
  }

  private static void assertEndedOnBothNodes(List<OpenStream> streams, long changedAt,
      Status.Code status, String code) throws Exception {
    for (int i = 0; i < streams.size(); i++) {
      OpenStream stream = streams.get(i);
      long waitMillis = BOUND.toMillis() - (System.nanoTime() - changedAt) / 1_000_000;
      StatusRuntimeException e = stream.ended.get(Math.max(waitMillis, 0), MILLISECONDS);
      long tookMillis = (stream.endedAt - changedAt) / 1_000_000;
      System.out.printf("open stream on node %d ended %d ms after the change: %s %s%n",
          i + 1, tookMillis, e.getStatus().getCode(), e.getTrailers().get(ErrorReplies.ERROR_CODE));
      assertThat(e.getStatus().getCode()).isEqualTo(status);
      assertThat(e.getTrailers().get(ErrorReplies.ERROR_CODE)).isEqualTo(code);
      assertThat(e.getTrailers().get(ErrorReplies.REQUEST_ID)).isNotBlank();
      assertThat(tookMillis).isLessThanOrEqualTo(BOUND.toMillis());
    }
  }

  private static void assertBackendCancelledBoth(String app) throws InterruptedException {
    assertThat(backendCancelled.poll(10, SECONDS)).isEqualTo(app);
    assertThat(backendCancelled.poll(10, SECONDS)).isEqualTo(app);
  }

  private static void assertStillServedOnBothNodes(IssuedCredential credential) throws Exception {
    for (ManagedChannel channel : channels) {
      assertThat(collect(signed(channel, credential)).getMessage()).isEqualTo("ab");
    }
  }

  /**
   * Calls each node with {@code credential} until it serves the call (a refusal is retried 10 ms
   * later, with a new signature); each must do so within {@link #BOUND} of {@code changedAt}.
   */
  private static void assertServedOnBothNodesWithinTheBound(IssuedCredential credential,
      long changedAt) throws Exception {
    for (int i = 0; i < channels.size(); i++) {
      boolean served = false;
      while (!served && System.nanoTime() - changedAt <= BOUND.toNanos()) {
        try {
          assertThat(collect(signed(channels.get(i), credential)).getMessage()).isEqualTo("ab");
          served = true;
        } catch (StatusRuntimeException refused) {
          assertThat(refused.getStatus().getCode()).as("refused before the grant arrived")
              .isEqualTo(Status.Code.PERMISSION_DENIED);
          java.util.concurrent.locks.LockSupport.parkNanos(MILLISECONDS.toNanos(10));
        }
      }
      long tookMillis = (System.nanoTime() - changedAt) / 1_000_000;
      System.out.printf("node %d served the app %d ms after the grant%n", i + 1, tookMillis);
      assertThat(served).as("node %d served the app within %s of the grant", i + 1, BOUND).isTrue();
    }
  }

  private static void assertRefusedOnBothNodes(
      IssuedCredential credential, Status.Code status, String code) throws Exception {
    for (ManagedChannel channel : channels) {
      StatusRuntimeException e = org.assertj.core.api.Assertions.catchThrowableOfType(
          StatusRuntimeException.class, () -> collect(signed(channel, credential)));
      assertThat(e.getStatus().getCode()).isEqualTo(status);
      assertThat(e.getTrailers().get(ErrorReplies.ERROR_CODE)).isEqualTo(code);
    }
  }

  /** A whole Collect call of two messages; throws the call's StatusRuntimeException if refused. */
  private static EchoResponse collect(Channel channel) throws Exception {
    CompletableFuture<EchoResponse> answer = new CompletableFuture<>();
    StreamObserver<EchoRequest> requests = EchoServiceGrpc.newStub(channel)
        .withDeadlineAfter(10, SECONDS)
        .collect(new StreamObserver<>() {
          @Override
          public void onNext(EchoResponse value) {
            answer.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            answer.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    requests.onNext(EchoRequest.newBuilder().setMessage("a").build());
    requests.onNext(EchoRequest.newBuilder().setMessage("b").build());
    requests.onCompleted();
    try {
      return answer.get(10, SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw (StatusRuntimeException) e.getCause();
    }
  }

  private static Channel signed(ManagedChannel channel, IssuedCredential issued) {
    return ClientInterceptors.intercept(channel, SigningClientInterceptor.create(
        issued.getCredential().getAccessKey(), AccessSecret.copyOf(issued.getSecret().toByteArray())));
  }

  /** Records each backend call's app as it arrives and when it is cancelled. */
  private static ServerInterceptor recordCalls() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String app = headers.get(GATEWAY_APP);
        ServerCall.Listener<Q> listener = next.startCall(call, headers);
        backendStarted.add(app);
        return new SimpleForwardingServerCallListener<Q>(listener) {
          @Override
          public void onCancel() {
            backendCancelled.add(app);
            super.onCancel();
          }
        };
      }
    };
  }
}
