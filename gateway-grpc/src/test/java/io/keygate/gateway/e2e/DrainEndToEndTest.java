package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node stopped with a drain bound (what GatewayMain does on SIGTERM, KEYGATE_DRAIN_TIMEOUT):
 * it refuses new connections at once, lets an open call finish, and cuts a call still open at the
 * bound. The open call is a client stream (Collect) the test holds open by not half-closing it.
 */
class DrainEndToEndTest {
  // A token per test: each starts a whole gateway, whose TLS key is made under one label.
  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("finish", "cut");
  GatewayFixture gw;

  @AfterEach
  void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void aDrainingNode_refusesNewConnections_andLetsAnOpenCallFinish() throws Exception {
    gw = new GatewayFixture(tokens).start("finish", List.of());
    Reply reply = new Reply();
    StreamObserver<EchoRequest> call = openCollect(reply);
    int port = gw.gateway.port();

    CompletableFuture<Void> drained =
        CompletableFuture.runAsync(() -> gw.gateway.close(Duration.ofSeconds(30)));
    awaitRefused(port);
    assertThat(drained).as("still draining while the call is open").isNotDone();

    call.onNext(EchoRequest.newBuilder().setMessage(" and done").build());
    call.onCompleted();
    assertThat(reply.ended.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
    assertThat(reply.message).isEqualTo("open and done");
    drained.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aCallStillOpenAtTheBound_isCutThere() throws Exception {
    gw = new GatewayFixture(tokens).start("cut", List.of());
    Reply reply = new Reply();
    openCollect(reply);

    long start = System.nanoTime();
    gw.gateway.close(Duration.ofMillis(300));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300))
        .isLessThan(Duration.ofSeconds(5));
    assertThat(reply.ended.get(10, TimeUnit.SECONDS).getCode()).isNotEqualTo(Status.Code.OK);
  }

  /** A signed Collect with one message sent, open until the caller half-closes it. */
  private StreamObserver<EchoRequest> openCollect(Reply reply) throws Exception {
    StreamObserver<EchoRequest> call =
        EchoServiceGrpc.newStub(gw.signedChannel(gw.acmeKey)).collect(reply);
    call.onNext(EchoRequest.newBuilder().setMessage("open").build());
    // The backend has the call: it passed the gateway and is proxied.
    assertThat(gw.backendHeaders.poll(20, TimeUnit.SECONDS)).as("the backend saw the call")
        .isNotNull();
    return call;
  }

  /** Waits until nothing accepts connections on {@code port} (the listener closed). */
  private static void awaitRefused(int port) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      } catch (IOException refused) {
        return;
      }
      assertThat(System.nanoTime()).as("the listener closed within 10 s").isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  private static final class Reply implements StreamObserver<EchoResponse> {
    final CompletableFuture<Status> ended = new CompletableFuture<>();
    volatile String message;

    @Override
    public void onNext(EchoResponse value) {
      message = value.getMessage();
    }

    @Override
    public void onError(Throwable t) {
      ended.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      ended.complete(Status.OK);
    }
  }
}
