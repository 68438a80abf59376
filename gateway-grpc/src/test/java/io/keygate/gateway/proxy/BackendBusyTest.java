package io.keygate.gateway.proxy;

import static io.keygate.gateway.proxy.InstancesFixture.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.keygate.gateway.errors.ErrorReplies;
import io.keygate.gateway.model.BackendTarget;
import io.keygate.gateway.proxy.InstancesFixture.Instance;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A backend that hangs holds at most {@code maxCallsPerBackend} of the node's calls: past it, calls
 * to it are refused at once with {@code BackendBusy}, and calls to another backend are served as
 * if nothing were wrong.
 */
class BackendBusyTest {
  private static final int LIMIT = 4;

  @Test
  void aHangingBackend_isRefusedPastItsLimit_andAnotherBackendIsUnaffected() throws Exception {
    Instance healthy = new Instance("healthy", "127.0.0.2", false);
    healthy.start(0);
    try (ProxyFixture f = new ProxyFixture(List.of(), b -> b.maxCallsPerBackend(LIMIT))) {
      // Chat goes to the backend that hangs on "hang"; Echo to the healthy one.
      String echo = EchoServiceGrpc.getEchoMethod().getFullMethodName();
      f.routes.put(echo, BackendTarget.list(List.of(healthy.address())));
      BackendTarget hanging = f.backendTarget;

      List<StreamObserver<EchoRequest>> held = new ArrayList<>();
      for (int i = 0; i < LIMIT; i++) {
        StreamObserver<EchoRequest> out = f.async().chat(ignoring(new CompletableFuture<>()));
        out.onNext(EchoRequest.newBuilder().setMessage("hang").build());
        held.add(out);
      }
      awaitCondition(() -> f.channels.calls(hanging) == LIMIT, Duration.ofSeconds(10),
          "the hanging backend holds its limit");

      CompletableFuture<Throwable> refused = new CompletableFuture<>();
      f.async().chat(ignoring(refused)).onNext(EchoRequest.newBuilder().setMessage("x").build());
      Status status = Status.fromThrowable(refused.get(10, TimeUnit.SECONDS));
      assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(Status.trailersFromThrowable(refused.get()).get(ErrorReplies.ERROR_CODE))
          .isEqualTo("BackendBusy");

      for (int i = 0; i < 100; i++) {
        EchoResponse r = f.blocking().withDeadlineAfter(2, TimeUnit.SECONDS)
            .echo(EchoRequest.newBuilder().setMessage("fine").build());
        assertThat(r.getBackend()).isEqualTo("healthy");
      }

      // A hanging call that ends gives its place back.
      held.get(0).onError(Status.CANCELLED.asRuntimeException());
      awaitCondition(() -> f.channels.calls(hanging) == LIMIT - 1, Duration.ofSeconds(10),
          "a place is given back");
      held.subList(1, LIMIT).forEach(o -> o.onError(Status.CANCELLED.asRuntimeException()));
    } finally {
      healthy.kill();
    }
  }

  private static StreamObserver<EchoResponse> ignoring(CompletableFuture<Throwable> error) {
    return new StreamObserver<>() {
      @Override
      public void onNext(EchoResponse value) {}

      @Override
      public void onError(Throwable t) {
        error.complete(t);
      }

      @Override
      public void onCompleted() {
        error.complete(null);
      }
    };
  }
}
