package io.keygate.gateway.proxy;

import io.keygate.gateway.model.BackendTarget;

import static io.keygate.gateway.proxy.EchoMessages.request;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Deadlines, cancellation and a backend that is down: the proxy fails fast and keeps serving. */
class ProxyFaultTest {
  private ProxyFixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = new ProxyFixture();
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void proxy_propagatesDeadlineToBackend() throws Exception {
    Deadline clientDeadline = Deadline.after(5, SECONDS);

    fixture.blocking().withDeadline(clientDeadline).echo(request("hello", 1));

    Deadline atBackend = fixture.backend.calls.poll(5, SECONDS).deadline();
    assertThat(atBackend).as("backend deadline").isNotNull();
    assertThat(atBackend.compareTo(clientDeadline)).as("not later than the client's").isNegative();
    // Propagated, not invented: the client's deadline less the offset, give or take transit
    // (tens of milliseconds in a cold JVM).
    long clientMillis = clientDeadline.timeRemaining(TimeUnit.MILLISECONDS);
    assertThat(atBackend.timeRemaining(TimeUnit.MILLISECONDS))
        .isGreaterThan(clientMillis - ProxyFixture.DEADLINE_OFFSET.toMillis() - 1_000);
  }

  @Test
  void proxy_cancelsBackendCall_whenClientCancels() throws Exception {
    CompletableFuture<Throwable> clientError = new CompletableFuture<>();
    StreamObserver<EchoRequest> requests =
        fixture.async().chat(new StreamObserver<>() {
          @Override
          public void onNext(EchoResponse value) {}

          @Override
          public void onError(Throwable t) {
            clientError.complete(t);
          }

          @Override
          public void onCompleted() {
            clientError.complete(null);
          }
        });
    requests.onNext(request("hang", 0));
    assertThat(fixture.backend.hangStarted.await(10, SECONDS)).as("backend got the call").isTrue();

    ((ClientCallStreamObserver<EchoRequest>) requests).cancel("user gave up", null);

    assertThat(fixture.backend.hangCancelled.await(10, SECONDS)).as("backend saw cancel").isTrue();
    assertThat(Status.fromThrowable(clientError.get(10, SECONDS)).getCode())
        .isEqualTo(Status.Code.CANCELLED);
    fixture.assertServesAgain();
  }

  @Test
  void proxy_returnsDeadlineExceeded_andCancelsBackend_whenBackendIsTooSlow() throws Exception {
    var slow = fixture.blocking().withDeadlineAfter(2, SECONDS);

    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> slow.echo(request("hang", 0)));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    // The backend's deadline ends DEADLINE_OFFSET before the client's, so the proxy's answer
    // arrives before the client gives up on its own.
    assertThat(e.getTrailers().get(io.keygate.gateway.errors.ErrorReplies.ERROR_CODE)).isEqualTo("BackendTimeout");
    assertThat(fixture.backend.hangCancelled.await(10, SECONDS)).isTrue();
    fixture.assertServesAgain();
  }

  @Test
  void proxy_returnsUnavailablePromptly_whenBackendIsDown_andKeepsServing() {
    BackendTarget dead = ProxyFixture.deadBackend();
    fixture.routes.put(EchoServiceGrpc.getEchoMethod().getFullMethodName(), dead);
    Deadline deadline = Deadline.after(20, SECONDS);

    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> fixture.blocking().withDeadline(deadline).echo(request("hello", 1)));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(deadline.timeRemaining(SECONDS))
        .as("failed fast, not at the deadline")
        .isGreaterThan(10);
    assertThat(e.getStatus().getDescription())
        .as("no backend address leaks to the client")
        .doesNotContain(String.valueOf(dead.port()))
        .doesNotContain(dead.host());
    assertThat(e.getTrailers().get(io.keygate.gateway.errors.ErrorReplies.ERROR_CODE)).isEqualTo("BackendUnavailable");

    fixture.routes.put(EchoServiceGrpc.getEchoMethod().getFullMethodName(), fixture.backendTarget);
    fixture.assertServesAgain();
  }
}
