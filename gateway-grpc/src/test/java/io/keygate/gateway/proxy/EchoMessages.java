package io.keygate.gateway.proxy;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;

/** Requests with reproducible payloads, and digests to compare what went in with what came out. */
final class EchoMessages {
  private EchoMessages() {}

  /** A request whose payload is {@code payloadBytes} pseudo-random bytes seeded by the message. */
  static EchoRequest request(String message, int payloadBytes) {
    byte[] payload = new byte[payloadBytes];
    new Random(message.hashCode()).nextBytes(payload);
    return EchoRequest.newBuilder()
        .setMessage(message)
        .setPayload(ByteString.copyFrom(payload))
        .build();
  }

  static long totalBytes(List<EchoRequest> requests) {
    return requests.stream().mapToLong(r -> r.getPayload().size()).sum();
  }

  /** SHA-256 over the payloads in order, as the backend's Collect computes it. */
  static byte[] digestOf(List<EchoRequest> requests) {
    MessageDigest digest = RecordingEchoBackend.sha256();
    requests.forEach(r -> digest.update(r.getPayload().asReadOnlyByteBuffer()));
    return digest.digest();
  }

  static byte[] digestOfResponses(List<EchoResponse> responses) {
    MessageDigest digest = RecordingEchoBackend.sha256();
    responses.forEach(r -> digest.update(r.getPayload().asReadOnlyByteBuffer()));
    return digest.digest();
  }

  static Metadata.Key<String> ascii(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }
}
