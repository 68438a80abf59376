package io.keygate.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The interceptor with {@code signEveryMessage()} (spec section 13) against a real in-process
 * server that records the bytes of every request message: the first goes bare and its digest is
 * signed, the later ones in envelopes under the call's signature, then the end marker.
 */
class SigningEveryMessageTest {
  private static final String SERVICE = "keygate.test.Bytes";
  private final byte[] secret = new byte[32];
  private final List<Metadata> headers = new CopyOnWriteArrayList<>();
  private final List<byte[]> messages = new CopyOnWriteArrayList<>();
  private Server server;
  private ManagedChannel managed;
  private Channel channel;

  @BeforeEach
  void setUp() throws Exception {
    new SecureRandom().nextBytes(secret);
    String name = InProcessServerBuilder.generateName();
    // Server side, every method reads a stream (as the gateway does: it cannot know the type).
    ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
        .addMethod(SigningClientInterceptorTest.method("Unary", MethodType.BIDI_STREAMING),
            ServerCalls.asyncBidiStreamingCall(this::record))
        .addMethod(SigningClientInterceptorTest.method("Collect", MethodType.BIDI_STREAMING),
            ServerCalls.asyncBidiStreamingCall(this::record))
        .build();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(ServerInterceptors.intercept(service, new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata h, ServerCallHandler<Q, R> next) {
            headers.add(h);
            return next.startCall(call, h);
          }
        })).build().start();
    managed = InProcessChannelBuilder.forName(name).build();
    channel = ClientInterceptors.intercept(managed, new SigningClientInterceptor(
        XcaSigner.builder("AKeveryMessage01", AccessSecret.copyOf(secret)).signEveryMessage()
            .build()));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    managed.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void clientStreaming_sendsTheFirstBare_theRestSealedInOrder_thenTheEndMarker() throws Exception {
    CompletableFuture<byte[]> reply = new CompletableFuture<>();
    StreamObserver<byte[]> requests = ClientCalls.asyncClientStreamingCall(channel.newCall(
        SigningClientInterceptorTest.method("Collect", MethodType.CLIENT_STREAMING),
        CallOptions.DEFAULT), SigningClientInterceptorTest.observer(reply));
    List<byte[]> sent = List.of(bytes("first"), bytes("second"), bytes("third"));
    sent.forEach(requests::onNext);
    requests.onCompleted();
    reply.get(5, TimeUnit.SECONDS);

    Metadata h = headers.get(0);
    assertThat(SoftwareXcaVerifier.get(h, "x-ca-signature-version")).isEqualTo("2");
    assertThat(SoftwareXcaVerifier.get(h, "x-ca-signature-headers"))
        .contains("x-ca-signature-version");
    MessageEnvelopes expected = new MessageEnvelopes(AccessSecret.copyOf(secret),
        Base64.getDecoder().decode(SoftwareXcaVerifier.get(h, "x-ca-signature")));
    List<byte[]> wanted = new ArrayList<>(List.of(sent.get(0),
        expected.seal(sent.get(1)), expected.seal(sent.get(2)), expected.end()));
    assertThat(messages).containsExactlyElementsOf(wanted);
    assertThat(messages.get(3)).hasSize(33).startsWith(MessageEnvelopes.END);
  }

  @Test
  void unary_sendsItsMessageThenTheEndMarkerAtPlaceOne() {
    ClientCalls.blockingUnaryCall(channel,
        SigningClientInterceptorTest.method("Unary", MethodType.UNARY), CallOptions.DEFAULT,
        bytes("only"));

    MessageEnvelopes expected = new MessageEnvelopes(AccessSecret.copyOf(secret),
        Base64.getDecoder().decode(SoftwareXcaVerifier.get(headers.get(0), "x-ca-signature")));
    assertThat(messages).containsExactly(bytes("only"), expected.end());
  }

  @Test
  void halfCloseWithoutAnyMessage_sendsNoEndMarker() throws Exception {
    CompletableFuture<byte[]> reply = new CompletableFuture<>();
    StreamObserver<byte[]> requests = ClientCalls.asyncClientStreamingCall(channel.newCall(
        SigningClientInterceptorTest.method("Collect", MethodType.CLIENT_STREAMING),
        CallOptions.DEFAULT), SigningClientInterceptorTest.observer(reply));
    requests.onCompleted();
    reply.get(5, TimeUnit.SECONDS);
    assertThat(messages).isEmpty();
  }

  private StreamObserver<byte[]> record(StreamObserver<byte[]> out) {
    return new StreamObserver<>() {
      @Override
      public void onNext(byte[] value) {
        messages.add(value);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        out.onNext(bytes(messages.size() + " messages"));
        out.onCompleted();
      }
    };
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
