package io.keygate.gateway.proxy;

import static io.keygate.gateway.proxy.EchoMessages.digestOf;
import static io.keygate.gateway.proxy.EchoMessages.digestOfResponses;
import static io.keygate.gateway.proxy.EchoMessages.request;
import static io.keygate.gateway.proxy.EchoMessages.totalBytes;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Large messages and back-pressure through the proxy, both directions. */
class ProxyFlowControlTest {
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
  void proxy_streamsMoreThan4MiBBothWays_includingOneMessageOver4MiB() throws Exception {
    List<EchoRequest> requests = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      requests.add(request("chunk-" + i, 64 << 10));
    }
    requests.add(request("big", (4 << 20) + (512 << 10)));

    List<EchoResponse> echoed = fixture.chat(requests);
    EchoResponse collected = fixture.collect(requests);

    assertThat(echoed).hasSize(65);
    assertThat(digestOfResponses(echoed)).isEqualTo(digestOf(requests));
    assertThat(collected.getMessage()).isEqualTo("65 messages, " + totalBytes(requests) + " bytes");
    assertThat(collected.getPayload().toByteArray()).isEqualTo(digestOf(requests));
  }

  @Test
  void proxy_stopsReadingFromBackend_whileClientDoesNotRead() throws Exception {
    CompletableFuture<Status> closed = new CompletableFuture<>();
    List<byte[]> received = new ArrayList<>();
    ClientCall<byte[], byte[]> call =
        fixture.clientChannel.newCall(
            ByteMarshaller.methodDescriptor(
                EchoServiceGrpc.getEchoStreamMethod().getFullMethodName()),
            CallOptions.DEFAULT.withDeadlineAfter(30, SECONDS));
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(byte[] message) {
            received.add(message);
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.complete(status);
          }
        },
        new Metadata());
    call.sendMessage(EchoRequest.newBuilder().setMessage("flood").build().toByteArray());
    call.halfClose();
    // No call.request(...) yet: the client reads nothing, so the backend must stall once the
    // buffers between them are full. A bounded wait for something that must NOT happen:
    assertThatThrownBy(() -> fixture.backend.floodBeyondBound.get(3, SECONDS))
        .as("backend kept sending although the client read nothing")
        .isInstanceOf(TimeoutException.class);

    call.request(Integer.MAX_VALUE);
    assertThat(closed.get(20, SECONDS).getCode()).isEqualTo(Status.Code.OK);
    assertThat(received).hasSize(RecordingEchoBackend.FLOOD_MESSAGES);
  }

  @Test
  void proxy_stopsReadingFromClient_whileBackendDoesNotRead() throws Exception {
    fixture.backend.stallCollect = true;
    int messages = RecordingEchoBackend.FLOOD_MESSAGES;
    CompletableFuture<Void> beyondBound = new CompletableFuture<>();
    CompletableFuture<Void> allSent = new CompletableFuture<>();
    CompletableFuture<byte[]> response = new CompletableFuture<>();
    ClientCall<byte[], byte[]> call =
        fixture.clientChannel.newCall(
            ByteMarshaller.methodDescriptor(EchoServiceGrpc.getCollectMethod().getFullMethodName()),
            CallOptions.DEFAULT.withDeadlineAfter(30, SECONDS));
    byte[] chunk = request("c", 64 << 10).toByteArray();
    int[] sent = {0};
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onReady() {
            // Sends only while the proxy takes more, as a well-behaved streaming client does.
            while (call.isReady() && sent[0] < messages) {
              call.sendMessage(chunk);
              if (++sent[0] > RecordingEchoBackend.FLOOD_BUFFER_BOUND) {
                beyondBound.complete(null);
              }
            }
            if (sent[0] == messages && !allSent.isDone()) {
              call.halfClose();
              allSent.complete(null);
            }
          }

          @Override
          public void onMessage(byte[] message) {
            response.complete(message);
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            if (!status.isOk()) {
              response.completeExceptionally(status.asRuntimeException());
            }
          }
        },
        new Metadata());
    call.request(1);

    var backendCall = fixture.backend.stalledCollect.get(10, SECONDS);
    // The backend reads nothing, so the client must stall once the buffers between them are
    // full. A bounded wait for something that must NOT happen:
    assertThatThrownBy(() -> beyondBound.get(3, SECONDS))
        .as("client kept sending although the backend read nothing")
        .isInstanceOf(TimeoutException.class);

    backendCall.request(Integer.MAX_VALUE);
    allSent.get(20, SECONDS);
    EchoResponse collected = EchoResponse.parseFrom(response.get(20, SECONDS));
    assertThat(collected.getIndex()).isEqualTo(messages);
  }
}
