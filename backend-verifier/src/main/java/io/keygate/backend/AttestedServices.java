package io.keygate.backend;

import io.grpc.MethodDescriptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The one entry point for a backend: wraps a service so that only calls the gateway attested
 * reach it.
 *
 * <pre>{@code
 * AttestationVerifier verifier = new AttestationVerifier(
 *     TrustedGatewayKeys.fromCertificates(Path.of("gateway-attestation.pem")));
 * Server server = NettyServerBuilder.forPort(8443)
 *     .addService(AttestedServices.protect(new MyServiceImpl(), verifier))
 *     .build();
 * // in a handler: AttestedCall caller = AttestedCall.CURRENT.get();
 * }</pre>
 *
 * <p>The service's messages pass through as bytes first, so that the first request message's
 * digest is computed over exactly what the gateway sent, then are parsed as the service expects.
 */
public final class AttestedServices {
  private AttestedServices() {}

  public static ServerServiceDefinition protect(
      io.grpc.BindableService service, AttestationVerifier verifier) {
    return protect(service.bindService(), verifier);
  }

  public static ServerServiceDefinition protect(
      ServerServiceDefinition service, AttestationVerifier verifier) {
    return ServerInterceptors.intercept(
        ServerInterceptors.useMarshalledMessages(service, Bytes.INSTANCE),
        new AttestationInterceptor(verifier));
  }

  /** Messages as the bytes on the wire (after gRPC's own decompression). */
  enum Bytes implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

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
