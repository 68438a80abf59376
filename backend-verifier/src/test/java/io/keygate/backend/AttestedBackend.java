package io.keygate.backend;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A backend protected by {@link AttestedServices}, in process, for tests: service
 * {@code keygate.demo.v1.EchoService}, unary methods {@code Echo} and {@code Collect} on raw
 * bytes, each answering with the attested tenant and the bytes it received. A real gRPC server and
 * client, not a mock.
 */
public final class AttestedBackend implements AutoCloseable {
  public static final String SERVICE = "keygate.demo.v1.EchoService";
  /** The service's messages as raw bytes: the same marshaller the verifier reads them with. */
  static final MethodDescriptor.Marshaller<byte[]> BYTES = AttestedServices.Bytes.INSTANCE;

  private final Server server;
  private final ManagedChannel channel;

  public AttestedBackend(AttestationVerifier verifier) throws IOException {
    String name = InProcessServerBuilder.generateName();
    ServerServiceDefinition.Builder service = ServerServiceDefinition.builder(SERVICE);
    for (String method : new String[] {"Echo", "Collect"}) {
      service.addMethod(descriptor(method), ServerCalls.asyncUnaryCall((request, out) -> {
        AttestedCall caller = AttestedCall.CURRENT.get();
        out.onNext((caller.tenant() + ":" + new String(request, StandardCharsets.ISO_8859_1))
            .getBytes(StandardCharsets.ISO_8859_1));
        out.onCompleted();
      }));
    }
    server = InProcessServerBuilder.forName(name)
        .addService(AttestedServices.protect(service.build(), verifier))
        .build()
        .start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  static MethodDescriptor<byte[], byte[]> descriptor(String method) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, method))
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
  }

  /**
   * Calls {@code path} ({@code /pkg.Service/Method}) with these headers and body.
   *
   * @return "OK tenant:body" or the refusal's code from the error trailer ("-" if none)
   */
  public String call(String path, Map<String, String> headers, byte[] body) {
    Metadata metadata = new Metadata();
    headers.forEach((k, v) -> metadata.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
    String method = path.substring(path.lastIndexOf('/') + 1);
    try {
      byte[] reply = ClientCalls.blockingUnaryCall(
          io.grpc.ClientInterceptors.intercept(channel,
              MetadataUtils.newAttachHeadersInterceptor(metadata)),
          descriptor(method), io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
          body);
      return "OK " + new String(reply, StandardCharsets.ISO_8859_1);
    } catch (StatusRuntimeException e) {
      Metadata trailers = e.getTrailers();
      String code = trailers == null ? null : trailers.get(AttestationInterceptor.ERROR_CODE);
      return e.getStatus().getCode() == Status.Code.UNAUTHENTICATED && code != null
          ? code : e.getStatus().getCode() + " " + (code == null ? "-" : code);
    }
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    server.shutdownNow();
    server.awaitTermination(10, TimeUnit.SECONDS);
  }
}
