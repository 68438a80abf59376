package io.keygate.demo.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Echo backend answers every kind of call the same whichever threads run its handlers: on the
 * event loop (the default) nothing may block, and a stream of 10,000 answers must still arrive
 * whole and in order.
 */
class EchoBackendServerTest {
  private static final long DEADLINE_SECONDS = 30;

  @ParameterizedTest
  @EnumSource(HandlerThreads.class)
  void everyCallKind_isAnswered_onEitherThreads(HandlerThreads threads) throws Exception {
    try (EchoBackendServer server =
        EchoBackendServer.start(new InetSocketAddress("127.0.0.1", 0), "threads-backend", threads)) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      try {
        EchoServiceGrpc.EchoServiceBlockingStub blocking = EchoServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
        EchoResponse unary = blocking.echo(request("hello", 0));
        assertThat(unary.getMessage()).isEqualTo("hello");
        assertThat(unary.getBackend()).isEqualTo("threads-backend");

        List<Integer> indexes = new ArrayList<>();
        Iterator<EchoResponse> stream = blocking.echoStream(request("many", 10_000));
        stream.forEachRemaining(r -> indexes.add(r.getIndex()));
        assertThat(indexes).hasSize(10_000);
        assertThat(indexes.get(0)).isZero();
        assertThat(indexes.get(9_999)).isEqualTo(9_999);

        EchoServiceGrpc.EchoServiceStub async = EchoServiceGrpc.newStub(channel)
            .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
        Collected collected = new Collected();
        StreamObserver<EchoRequest> upload = async.collect(collected);
        upload.onNext(request("a", 0));
        upload.onNext(request("b", 0));
        upload.onCompleted();
        List<EchoResponse> summary = collected.done.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        assertThat(summary).hasSize(1);
        assertThat(summary.get(0).getMessage()).isEqualTo("ab");
        assertThat(summary.get(0).getIndex()).isEqualTo(2);

        Collected chat = new Collected();
        StreamObserver<EchoRequest> talk = EchoServiceGrpc.newStub(channel)
            .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).chat(chat);
        talk.onNext(request("one", 0));
        talk.onNext(request("two", 0));
        talk.onCompleted();
        assertThat(chat.done.get(DEADLINE_SECONDS, TimeUnit.SECONDS))
            .extracting(EchoResponse::getMessage)
            .containsExactly("one", "two");
      } finally {
        channel.shutdownNow().awaitTermination(DEADLINE_SECONDS, TimeUnit.SECONDS);
      }
    }
  }

  private static EchoRequest request(String message, int repeat) {
    return EchoRequest.newBuilder().setMessage(message).setRepeat(repeat).build();
  }

  /** Every answer of one call, complete once the call ends well. */
  private static final class Collected implements StreamObserver<EchoResponse> {
    final CompletableFuture<List<EchoResponse>> done = new CompletableFuture<>();
    private final List<EchoResponse> answers = new ArrayList<>();

    @Override
    public void onNext(EchoResponse value) {
      answers.add(value);
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      done.complete(List.copyOf(answers));
    }
  }
}
