package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Channel;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.AuthMode;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.net.ServerSocket;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Deadlines, cancellation and backend failures travel through the gateway correctly. */
class CallLifecycleEndToEndTest extends GatewayEndToEnd {
  private static final EchoRequest HI = EchoRequest.newBuilder().setMessage("hi").build();

  @Test
  void clientDeadline_reachesTheBackend_noLaterThanTheClients() throws Exception {
    gw.backendDeadlines.clear();
    Deadline clientDeadline = Deadline.after(7, TimeUnit.SECONDS);
    EchoServiceGrpc.newBlockingStub(gw.signedChannel(gw.acmeKey)).withDeadline(clientDeadline).echo(HI);
    Optional<Deadline> seen = gw.backendDeadlines.poll(5, TimeUnit.SECONDS);
    assertThat(seen).isPresent();
    // gRPC sends the time remaining, so each hop's deadline can drift later by the transit time;
    // the proxy takes a small margin off. The backend's deadline must be the client's, give or
    // take that: never seconds later, never lost. The transit time is the machine's: on a loaded
    // 2-core CI machine 485 ms was seen, so the bound is a second (a deadline the proxy replaced
    // with its own, or dropped, is off by many seconds).
    long driftMillis = seen.get().timeRemaining(TimeUnit.MILLISECONDS)
        - clientDeadline.timeRemaining(TimeUnit.MILLISECONDS);
    assertThat(driftMillis).isBetween(-2_000L, 1_000L);
  }

  @Test
  void clientCancel_cancelsTheBackendCall() throws Exception {
    gw.backendCancellations.clear();
    Channel globex = gw.signedChannel(gw.globexKey, DemoTenants.GLOBEX_DOMAIN);
    CompletableFuture<ClientCallStreamObserver<EchoRequest>> started = new CompletableFuture<>();
    CompletableFuture<EchoResponse> firstReply = new CompletableFuture<>();
    CompletableFuture<Status> ended = new CompletableFuture<>();
    var out = EchoServiceGrpc.newStub(globex).withDeadlineAfter(30, TimeUnit.SECONDS).chat(
        new ClientResponseObserver<EchoRequest, EchoResponse>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<EchoRequest> requestStream) {
            started.complete(requestStream);
          }

          @Override
          public void onNext(EchoResponse value) {
            firstReply.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            ended.complete(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            ended.complete(Status.OK);
          }
        });
    out.onNext(HI);
    assertThat(firstReply.get(10, TimeUnit.SECONDS).getMessage()).isEqualTo("hi");
    started.get().cancel("user gave up", null);
    assertThat(gw.backendCancellations.poll(10, TimeUnit.SECONDS)).isEqualTo(GatewayFixture.CHAT);
    assertThat(ended.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.CANCELLED);
  }

  @Test
  void backendDown_isUnavailablePromptly_andTheGatewayKeepsServing() throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    String liveTarget = "127.0.0.1:" + gw.acmeBackend.getPort();
    gw.store.allowBackend(
        new io.keygate.gateway.model.BackendAllowance("acme", "127.0.0.1:" + deadPort, false));
    gw.store.updateApi(new ApiDefinition("api-echo", "acme", DemoTenants.ACME_DOMAIN,
        GatewayFixture.ECHO, "127.0.0.1:" + deadPort, AuthMode.SIGNATURE));
    gw.gateway.refreshConfiguration();
    try {
      StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
          EchoServiceGrpc.newBlockingStub(gw.signedChannel(gw.acmeKey)).withDeadlineAfter(20, TimeUnit.SECONDS).echo(HI));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    } finally {
      gw.store.updateApi(new ApiDefinition("api-echo", "acme", DemoTenants.ACME_DOMAIN,
          GatewayFixture.ECHO, liveTarget, AuthMode.SIGNATURE));
      gw.gateway.refreshConfiguration();
    }
    assertThat(EchoServiceGrpc.newBlockingStub(gw.signedChannel(gw.acmeKey)).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(HI).getBackend()).isEqualTo("acme-backend");
  }
}
