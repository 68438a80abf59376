package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import io.keygate.gateway.dataplane.IdentityHeaders;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Signed calls of every kind pass through the gateway over real TLS with keys in SoftHSM2. */
class SignedCallsEndToEndTest extends GatewayEndToEnd {
  private static Channel acme;

  @BeforeAll
  static void start() throws Exception {
    acme = gw.signedChannel(gw.acmeKey);
  }

  private static EchoRequest req(String message) {
    return EchoRequest.newBuilder().setMessage(message).build();
  }

  @Test
  void unary_signedCallReachesTheBackend_whichSeesWhoCalledButNoAuthHeaders() throws Exception {
    gw.backendHeaders.clear();
    EchoResponse r =
        EchoServiceGrpc.newBlockingStub(acme).withDeadlineAfter(10, TimeUnit.SECONDS).echo(req("hello"));
    assertThat(r.getMessage()).isEqualTo("hello");
    assertThat(r.getBackend()).isEqualTo("acme-backend");
    Metadata seen = gw.backendHeaders.poll(5, TimeUnit.SECONDS);
    assertThat(seen.get(IdentityHeaders.TENANT)).isEqualTo("acme");
    assertThat(seen.get(IdentityHeaders.APP)).isEqualTo("acme-app");
    assertThat(seen.get(IdentityHeaders.REQUEST_ID)).isNotBlank();
    assertThat(seen.keys()).noneMatch(k -> k.startsWith("x-ca-"));
  }

  @Test
  void signedCalls_updateTheCredentialsLastUseInTheStore() throws Exception {
    // The fixture is shared: other tests' calls may already have set lastUsed. Flush them first,
    // so what changes below is this call's doing.
    gw.lastUsed.flush(gw.store);
    Instant before = acmeLastUsed();
    Instant callStart = Instant.now().truncatedTo(ChronoUnit.MILLIS); // the store keeps millis

    EchoServiceGrpc.newBlockingStub(acme).withDeadlineAfter(10, TimeUnit.SECONDS).echo(req("x"));
    assertThat(acmeLastUsed()).as("nothing is written until the flush").isEqualTo(before);
    gw.lastUsed.flush(gw.store);

    Instant after = acmeLastUsed();
    assertThat(after).isNotNull().isAfterOrEqualTo(callStart).isBeforeOrEqualTo(Instant.now());
    if (before != null) {
      assertThat(after).isAfterOrEqualTo(before);
    }
    assertThat(gw.lastUsed.pendingCount()).isZero();
  }

  private static Instant acmeLastUsed() throws Exception {
    return gw.store.credentials("acme").stream()
        .filter(c -> c.accessKey().equals(gw.acmeKey.accessKey()))
        .findFirst()
        .orElseThrow()
        .lastUsed();
  }

  @Test
  void refusals_areReportedForTheSecurityEventLog() throws Exception {
    gw.refusals.clear();
    Channel acmeOnGlobexApi = gw.signedChannel(gw.acmeKey, DemoTenants.GLOBEX_DOMAIN);
    CompletableFuture<EchoResponse> done = new CompletableFuture<>();
    StreamObserver<EchoRequest> out = EchoServiceGrpc.newStub(acmeOnGlobexApi)
        .withDeadlineAfter(10, TimeUnit.SECONDS).chat(observer(done));
    out.onNext(req("x"));
    out.onCompleted();
    org.assertj.core.api.Assertions.catchThrowable(() -> done.get(10, TimeUnit.SECONDS));
    assertThat(gw.refusals.poll(5, TimeUnit.SECONDS))
        .isEqualTo(gw.acmeKey.accessKey() + " acme-app CrossTenantNotAuthorized");
  }

  @Test
  void serverStreaming_returnsEveryResponse() {
    Iterator<EchoResponse> it =
        EchoServiceGrpc.newBlockingStub(acme)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .echoStream(EchoRequest.newBuilder().setMessage("s").setRepeat(25).build());
    List<Integer> indices = new ArrayList<>();
    it.forEachRemaining(r -> indices.add(r.getIndex()));
    assertThat(indices).hasSize(25).startsWith(0, 1, 2).endsWith(24);
  }

  @Test
  void clientStreaming_collectsEveryMessage() throws Exception {
    CompletableFuture<EchoResponse> done = new CompletableFuture<>();
    StreamObserver<EchoRequest> out =
        EchoServiceGrpc.newStub(acme).withDeadlineAfter(10, TimeUnit.SECONDS).collect(observer(done));
    for (String part : new String[] {"a", "b", "c", "d"}) {
      out.onNext(req(part));
    }
    out.onCompleted();
    EchoResponse r = done.get(10, TimeUnit.SECONDS);
    assertThat(r.getMessage()).isEqualTo("abcd");
    assertThat(r.getIndex()).isEqualTo(4);
  }

  @Test
  void clientStreaming_withNoMessagesAtAll_isSignedOverTheEmptyBody() throws Exception {
    CompletableFuture<EchoResponse> done = new CompletableFuture<>();
    StreamObserver<EchoRequest> out =
        EchoServiceGrpc.newStub(acme).withDeadlineAfter(10, TimeUnit.SECONDS).collect(observer(done));
    out.onCompleted();
    assertThat(done.get(10, TimeUnit.SECONDS).getIndex()).isZero();
  }

  @Test
  void bidi_4MiBStreamedBothWays_arrivesIntact() throws Exception {
    // Globex's Chat is the bidi API; the globex app holds a grant for it.
    Channel globex = gw.signedChannel(gw.globexKey, DemoTenants.GLOBEX_DOMAIN);
    Random random = new Random(42);
    List<ByteString> sent = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      // The first message is read before authentication and must fit the 64 KiB pre-auth limit.
      byte[] chunk = new byte[i == 0 ? 16 * 1024 : 64 * 1024];
      random.nextBytes(chunk);
      sent.add(ByteString.copyFrom(chunk));
    }
    byte[] big = new byte[4 * 1024 * 1024 + 512 * 1024];
    random.nextBytes(big);
    sent.add(ByteString.copyFrom(big));

    List<ByteString> received = new ArrayList<>();
    CompletableFuture<Void> finished = new CompletableFuture<>();
    StreamObserver<EchoRequest> out =
        EchoServiceGrpc.newStub(globex)
            .withDeadlineAfter(60, TimeUnit.SECONDS)
            .chat(
                new StreamObserver<>() {
                  @Override
                  public void onNext(EchoResponse value) {
                    received.add(value.getPayload());
                  }

                  @Override
                  public void onError(Throwable t) {
                    finished.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    finished.complete(null);
                  }
                });
    for (ByteString payload : sent) {
      out.onNext(EchoRequest.newBuilder().setPayload(payload).build());
    }
    out.onCompleted();
    finished.get(60, TimeUnit.SECONDS);
    assertThat(received).hasSize(sent.size());
    assertThat(received).isEqualTo(sent);
  }

  @Test
  void healthService_reportsServingOverTls() throws Exception {
    HealthCheckResponse health =
        HealthGrpc.newBlockingStub(gw.channel())
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .check(HealthCheckRequest.newBuilder().build());
    assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void reflection_listsTheGatewaysOwnServices() throws Exception {
    CompletableFuture<java.util.List<String>> names = new CompletableFuture<>();
    StreamObserver<io.grpc.reflection.v1.ServerReflectionRequest> out =
        io.grpc.reflection.v1.ServerReflectionGrpc.newStub(gw.channel())
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .serverReflectionInfo(new StreamObserver<>() {
              @Override
              public void onNext(io.grpc.reflection.v1.ServerReflectionResponse r) {
                names.complete(r.getListServicesResponse().getServiceList().stream()
                    .map(io.grpc.reflection.v1.ServiceResponse::getName).toList());
              }

              @Override
              public void onError(Throwable t) {
                names.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {}
            });
    out.onNext(io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("").build());
    out.onCompleted();
    assertThat(names.get(10, TimeUnit.SECONDS)).contains("grpc.health.v1.Health");
  }

  @Test
  void staleConfiguration_refusesCallsUnavailable_thenRecovers() throws Exception {
    gw.configStale.set(true);
    try {
      Refusals.assertRefused(
          () -> EchoServiceGrpc.newBlockingStub(acme).withDeadlineAfter(10, TimeUnit.SECONDS).echo(req("x")),
          io.keygate.gateway.errors.GatewayError.CONFIG_UNAVAILABLE);
    } finally {
      gw.configStale.set(false);
    }
    assertThat(EchoServiceGrpc.newBlockingStub(acme).withDeadlineAfter(10, TimeUnit.SECONDS).echo(req("y")).getMessage())
        .isEqualTo("y");
  }

  static StreamObserver<EchoResponse> observer(CompletableFuture<EchoResponse> done) {
    return new StreamObserver<>() {
      private EchoResponse last;

      @Override
      public void onNext(EchoResponse value) {
        last = value;
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        done.complete(last);
      }
    };
  }
}
