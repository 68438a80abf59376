package io.keygate.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
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
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real in-process gRPC server and client, one per test; the server checks every signature. */
class SigningClientInterceptorTest {
  private static final String SERVICE = "keygate.test.Bytes";
  private static final long NOW = 1_764_547_200_000L;
  private static final String ACCESS_KEY = "AKinterceptorTest01";

  private final byte[] secretBytes = new byte[32];
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private Server server;
  private ManagedChannel managedChannel;
  private Channel channel;
  private String serverName;

  /** What the server saw: headers, authority and every request message. */
  record Received(Metadata headers, String authority, String path, List<byte[]> messages) {}

  @BeforeEach
  void setUp() throws IOException {
    new SecureRandom().nextBytes(secretBytes);
    serverName = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(serverName)
        .directExecutor()
        .addService(ServerInterceptors.intercept(service(), new Capture()))
        .build()
        .start();
    managedChannel = InProcessChannelBuilder.forName(serverName).build();
    channel = ClientInterceptors.intercept(managedChannel, interceptor(signer()));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    managedChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void unaryCall_carriesHeadersThatVerify() throws Exception {
    byte[] request = "hello keygate".getBytes(StandardCharsets.UTF_8);

    byte[] reply = ClientCalls.blockingUnaryCall(channel, method("Unary", MethodType.UNARY), CallOptions.DEFAULT, request);

    assertThat(new String(reply, StandardCharsets.UTF_8)).isEqualTo("1 messages");
    Received r = onlyCall();
    assertThat(header(r, "x-ca-key")).isEqualTo(ACCESS_KEY);
    assertThat(header(r, "x-ca-timestamp")).isEqualTo(Long.toString(NOW));
    assertThat(header(r, "x-ca-nonce")).matches("[A-Za-z0-9_-]{22}");
    assertThat(header(r, "x-ca-signature-method")).isEqualTo("HmacSHA256");
    assertThat(header(r, "x-ca-signature-headers"))
        .isEqualTo("x-ca-content-sha256,x-ca-key,x-ca-nonce,x-ca-stage,x-ca-timestamp");
    assertThat(header(r, "x-ca-stage")).isEqualTo("RELEASE");
    assertThat(header(r, "x-ca-content-sha256")).isEqualTo(sha256Hex(request));
    assertThat(r.path()).isEqualTo("/" + SERVICE + "/Unary");
    assertThat(verifies(r)).isTrue();
  }

  @Test
  void everyCall_getsAFreshNonce() {
    MethodDescriptor<byte[], byte[]> unary = method("Unary", MethodType.UNARY);
    for (int i = 0; i < 3; i++) {
      ClientCalls.blockingUnaryCall(channel, unary, CallOptions.DEFAULT, new byte[] {(byte) i});
    }
    assertThat(received).extracting(r -> header(r, "x-ca-nonce")).doesNotHaveDuplicates().hasSize(3);
  }

  @Test
  void clientStreaming_digestCoversOnlyTheFirstMessage() throws Exception {
    CompletableFuture<byte[]> reply = new CompletableFuture<>();
    StreamObserver<byte[]> requests = ClientCalls.asyncClientStreamingCall(
        channel.newCall(method("Collect", MethodType.CLIENT_STREAMING), CallOptions.DEFAULT), observer(reply));
    byte[] first = "first".getBytes(StandardCharsets.UTF_8);
    requests.onNext(first);
    requests.onNext("second".getBytes(StandardCharsets.UTF_8));
    requests.onNext("third".getBytes(StandardCharsets.UTF_8));
    requests.onCompleted();

    assertThat(new String(reply.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo("3 messages");
    Received r = onlyCall();
    assertThat(r.messages()).hasSize(3);
    assertThat(header(r, "x-ca-content-sha256")).isEqualTo(sha256Hex(first));
    assertThat(verifies(r)).isTrue();
  }

  @Test
  void halfCloseWithoutAnyMessage_signsTheDigestOfNothing() throws Exception {
    CompletableFuture<byte[]> reply = new CompletableFuture<>();
    StreamObserver<byte[]> requests = ClientCalls.asyncClientStreamingCall(
        channel.newCall(method("Collect", MethodType.CLIENT_STREAMING), CallOptions.DEFAULT), observer(reply));
    requests.onCompleted();

    assertThat(new String(reply.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo("0 messages");
    Received r = onlyCall();
    assertThat(header(r, "x-ca-content-sha256"))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(verifies(r)).isTrue();
  }

  @Test
  void serverStreaming_requestsMadeBeforeTheFirstMessageAreNotLost() throws Exception {
    byte[] request = {3};
    Iterator<byte[]> replies = ClientCalls.blockingServerStreamingCall(
        channel, method("Repeat", MethodType.SERVER_STREAMING), CallOptions.DEFAULT, request);
    List<String> got = new ArrayList<>();
    replies.forEachRemaining(b -> got.add(new String(b, StandardCharsets.UTF_8)));

    assertThat(got).containsExactly("0", "1", "2");
    assertThat(verifies(onlyCall())).isTrue();
  }

  @Test
  void bidiClientThatSendsOnlyWhenReady_isNotStuckWaitingForOnReady() throws Exception {
    ClientCall<byte[], byte[]> call = channel.newCall(method("Collect", MethodType.BIDI_STREAMING), CallOptions.DEFAULT);
    CompletableFuture<Status> closed = new CompletableFuture<>();
    AtomicBoolean sent = new AtomicBoolean();
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onReady() {
        // The flow-control pattern from ClientCall's javadoc: send only when ready.
        if (call.isReady() && sent.compareAndSet(false, true)) {
          call.sendMessage(new byte[] {42});
          call.halfClose();
        }
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        closed.complete(status);
      }
    }, new Metadata());
    call.request(1);

    assertThat(closed.get(5, TimeUnit.SECONDS).isOk()).isTrue();
    assertThat(verifies(onlyCall())).isTrue();
  }

  @Test
  void cancelBeforeTheFirstMessage_closesTheListenerAndNothingReachesTheServer() throws Exception {
    ClientCall<byte[], byte[]> call = channel.newCall(method("Collect", MethodType.CLIENT_STREAMING), CallOptions.DEFAULT);
    CompletableFuture<Status> closed = new CompletableFuture<>();
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        closed.complete(status);
      }
    }, new Metadata());
    call.request(1);
    call.cancel("changed my mind", null);

    Status status = closed.get(5, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThat(status.getDescription()).isEqualTo("changed my mind");
    assertThat(received).isEmpty();
  }

  @Test
  void cancelBeforeStart_isAllowed() {
    ClientCall<byte[], byte[]> call = channel.newCall(method("Unary", MethodType.UNARY), CallOptions.DEFAULT);
    call.cancel("never started", null);
    assertThat(received).isEmpty();
  }

  @Test
  void authorityOverrideInCallOptions_isTheSignedAuthority() throws Exception {
    ClientCalls.blockingUnaryCall(channel, method("Unary", MethodType.UNARY),
        CallOptions.DEFAULT.withAuthority("API.Tenant-B.example:8443"), new byte[] {1});
    Received r = onlyCall();
    assertThat(r.authority()).isEqualTo("API.Tenant-B.example:8443");
    assertThat(verifies(r)).isTrue();
  }

  @Test
  void channelAuthority_isSignedWhenNoOverride() throws Exception {
    ManagedChannel other = InProcessChannelBuilder.forName(serverName).overrideAuthority("Gw.Example.com:443").build();
    try {
      ClientCalls.blockingUnaryCall(ClientInterceptors.intercept(other, interceptor(signer())),
          method("Unary", MethodType.UNARY), CallOptions.DEFAULT, new byte[] {1});
    } finally {
      other.shutdownNow();
    }
    Received r = onlyCall();
    assertThat(r.authority()).isEqualTo("Gw.Example.com:443");
    assertThat(verifies(r)).isTrue();
  }

  @Test
  void xcaHeadersSetByTheApp_areReplacedNotDuplicated() throws Exception {
    Metadata appHeaders = new Metadata();
    appHeaders.put(Metadata.Key.of("x-ca-nonce", Metadata.ASCII_STRING_MARSHALLER), "app-chosen-nonce-000");
    appHeaders.put(Metadata.Key.of("x-ca-stage", Metadata.ASCII_STRING_MARSHALLER), "TEST");
    // The app's interceptor wraps ours: its start() runs first, so its headers are already there
    // when we sign.
    Channel withAppHeaders = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(appHeaders));

    ClientCalls.blockingUnaryCall(withAppHeaders, method("Unary", MethodType.UNARY), CallOptions.DEFAULT, new byte[] {1});

    Received r = onlyCall();
    assertThat(r.headers().getAll(Metadata.Key.of("x-ca-nonce", Metadata.ASCII_STRING_MARSHALLER))).hasSize(1);
    assertThat(r.headers().getAll(Metadata.Key.of("x-ca-stage", Metadata.ASCII_STRING_MARSHALLER)))
        .containsExactly("RELEASE");
    assertThat(verifies(r)).isTrue();
  }

  @Test
  void marshallerFailure_failsTheCallLocallyWithoutReachingTheServer() {
    MethodDescriptor<byte[], byte[]> broken = method("Unary", MethodType.UNARY).toBuilder(
            new BytesMarshaller() {
              @Override
              public InputStream stream(byte[] value) {
                throw new IllegalStateException("cannot serialize");
              }
            }, new BytesMarshaller())
        .build();

    StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> ClientCalls.blockingUnaryCall(channel, broken, CallOptions.DEFAULT, new byte[] {1}));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(received).isEmpty();
  }

  // ---- fixtures ----

  private XcaSigner signer() {
    return XcaSigner.builder(ACCESS_KEY, AccessSecret.copyOf(secretBytes))
        .clock(Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC))
        .signedHeader("x-ca-stage", "RELEASE")
        .build();
  }

  private static SigningClientInterceptor interceptor(XcaSigner signer) {
    return new SigningClientInterceptor(signer);
  }

  private Received onlyCall() {
    assertThat(received).hasSize(1);
    return received.get(0);
  }

  private boolean verifies(Received r) throws Exception {
    byte[] first = r.messages().isEmpty() ? new byte[0] : r.messages().get(0);
    return SoftwareXcaVerifier.verifies(r.headers(), r.authority(), r.path(), first, secretBytes);
  }

  private static String header(Received r, String name) {
    return SoftwareXcaVerifier.get(r.headers(), name);
  }

  private static String sha256Hex(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  static <T> StreamObserver<T> observer(CompletableFuture<T> result) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        result.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        result.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    };
  }

  static MethodDescriptor<byte[], byte[]> method(String name, MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(new BytesMarshaller())
        .setResponseMarshaller(new BytesMarshaller())
        .build();
  }

  /** Unary echoes a count; Collect (client- or bidi-streaming) counts messages; Repeat streams. */
  private ServerServiceDefinition service() {
    return ServerServiceDefinition.builder(SERVICE)
        .addMethod(method("Unary", MethodType.UNARY),
            ServerCalls.asyncUnaryCall((req, out) -> {
              lastCall().messages().add(req);
              out.onNext("1 messages".getBytes(StandardCharsets.UTF_8));
              out.onCompleted();
            }))
        .addMethod(method("Collect", MethodType.CLIENT_STREAMING), ServerCalls.asyncClientStreamingCall(this::collect))
        .addMethod(method("Repeat", MethodType.SERVER_STREAMING),
            ServerCalls.asyncServerStreamingCall((req, out) -> {
              lastCall().messages().add(req);
              for (int i = 0; i < req[0]; i++) {
                out.onNext(Integer.toString(i).getBytes(StandardCharsets.UTF_8));
              }
              out.onCompleted();
            }))
        .build();
  }

  private StreamObserver<byte[]> collect(StreamObserver<byte[]> out) {
    Received call = lastCall();
    return new StreamObserver<>() {
      @Override
      public void onNext(byte[] value) {
        call.messages().add(value);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        out.onNext((call.messages().size() + " messages").getBytes(StandardCharsets.UTF_8));
        out.onCompleted();
      }
    };
  }

  private Received lastCall() {
    return received.get(received.size() - 1);
  }

  /** Records each call's headers and authority before the handler runs. */
  private final class Capture implements ServerInterceptor {
    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      received.add(new Received(headers, call.getAuthority(),
          "/" + call.getMethodDescriptor().getFullMethodName(), new CopyOnWriteArrayList<>()));
      return next.startCall(call, headers);
    }
  }

  static class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
