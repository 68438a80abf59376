package io.keygate.gateway.e2e;

import static io.keygate.gateway.e2e.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.keygate.client.AccessSecret;
import io.keygate.client.SigningClientInterceptor;
import io.keygate.client.XcaSignature;
import io.keygate.client.XcaSigner;
import io.keygate.gateway.credentials.CredentialIssuer;
import io.keygate.gateway.credentials.IssuedCredential.InClear;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.gateway.proxy.ByteMarshaller;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every refusal a client can meet, over real TLS against the HSM: each gets its status, stable
 * code and fixed message, and the gateway keeps serving signed calls after all of them.
 */
class RefusalsEndToEndTest extends GatewayEndToEnd {
  private static final EchoRequest BODY = EchoRequest.newBuilder().setMessage("pay 100").build();
  private static final String PATH = "/" + GatewayFixture.ECHO;

  @AfterEach
  void gatewayStillServesSignedCalls() throws Exception {
    assertThat(
            EchoServiceGrpc.newBlockingStub(gw.signedChannel(gw.acmeKey))
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .echo(BODY)
                .getMessage())
        .isEqualTo("pay 100");
  }

  private static String authority() {
    return "localhost:" + gw.gateway.port();
  }

  private static XcaSigner signer(String accessKey, byte[] secret, Clock clock) {
    return XcaSigner.builder(accessKey, AccessSecret.copyOf(secret)).clock(clock).build();
  }

  private static byte[] secretOf(InClear c) {
    return c.secret().unsafeCopy();
  }

  /** Sends BODY (or {@code body}) to Echo with exactly these headers and no SDK. */
  private static void sendWith(Map<String, String> headers, EchoRequest body) throws Exception {
    Metadata md = new Metadata();
    headers.forEach((k, v) -> md.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
    Channel ch = gw.intercepted(MetadataUtils.newAttachHeadersInterceptor(md));
    EchoServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS).echo(body);
  }

  private static Map<String, String> signedHeaders(XcaSigner signer, byte[] body) {
    XcaSignature s = signer.sign(PATH, authority(), body);
    return s.headers();
  }

  private static Runnable unchecked(ThrowingRunnable r) {
    return () -> {
      try {
        r.run();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void unsignedCall_isMissingSignatureHeader() {
    assertRefused(
        unchecked(() -> EchoServiceGrpc.newBlockingStub(gw.channel()).withDeadlineAfter(10, TimeUnit.SECONDS).echo(BODY)),
        GatewayError.MISSING_HEADER);
  }

  @Test
  void timestampOutsideTheWindow_isInvalidTimestamp() {
    Clock tenMinutesAgo = Clock.fixed(Instant.now().minus(Duration.ofMinutes(10)), ZoneOffset.UTC);
    Map<String, String> h = signedHeaders(signer(gw.acmeKey.accessKey(), secretOf(gw.acmeKey), tenMinutesAgo), BODY.toByteArray());
    assertRefused(unchecked(() -> sendWith(h, BODY)), GatewayError.BAD_TIMESTAMP);
  }

  @Test
  void replayedRequest_isReplayedNonce() throws Exception {
    Map<String, String> h = signedHeaders(signer(gw.acmeKey.accessKey(), secretOf(gw.acmeKey), Clock.systemUTC()), BODY.toByteArray());
    sendWith(h, BODY);
    assertRefused(unchecked(() -> sendWith(h, BODY)), GatewayError.REPLAYED_NONCE);
  }

  @Test
  void unknownAccessKey_isUnknownAccessKey() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    Map<String, String> h = signedHeaders(signer("AKNOSUCHKEY0000000000", secret, Clock.systemUTC()), BODY.toByteArray());
    assertRefused(unchecked(() -> sendWith(h, BODY)), GatewayError.UNKNOWN_KEY);
  }

  @Test
  void wrongSecret_isInvalidSignature_andTheServersStringToSignIsNeverEchoed() {
    byte[] wrong = new byte[32];
    new SecureRandom().nextBytes(wrong);
    Map<String, String> h = signedHeaders(signer(gw.acmeKey.accessKey(), wrong, Clock.systemUTC()), BODY.toByteArray());
    assertRefused(unchecked(() -> sendWith(h, BODY)), GatewayError.BAD_SIGNATURE);
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> sendWith(
        signedHeaders(signer(gw.acmeKey.accessKey(), wrong, Clock.systemUTC()), BODY.toByteArray()), BODY));
    String everything = e.getStatus() + " " + e.getTrailers();
    assertThat(everything).doesNotContain("POST").doesNotContain(PATH).doesNotContain(h.get("x-ca-signature"));
  }

  @Test
  void bodyChangedAfterSigning_isBodyDigestMismatch() {
    Map<String, String> h = signedHeaders(signer(gw.acmeKey.accessKey(), secretOf(gw.acmeKey), Clock.systemUTC()), BODY.toByteArray());
    EchoRequest tampered = EchoRequest.newBuilder().setMessage("pay 999").build();
    assertRefused(unchecked(() -> sendWith(h, tampered)), GatewayError.BODY_DIGEST_MISMATCH);
  }

  @Test
  void revokedAndExpiredCredentials_areRefused() throws Exception {
    CredentialIssuer issuer = new CredentialIssuer(gw.hsm, gw.store, new SecureRandom());
    InClear revoked = issuer.issue("acme", "acme-app", null);
    InClear expired = issuer.issue("acme", "acme-app", null);
    gw.store.revokeCredential("acme", revoked.accessKey());
    gw.store.retireCredential("acme", expired.accessKey(), Instant.now().minusSeconds(1));
    gw.gateway.refreshConfiguration();
    assertRefused(
        unchecked(() -> EchoServiceGrpc.newBlockingStub(gw.signedChannel(revoked)).withDeadlineAfter(10, TimeUnit.SECONDS).echo(BODY)),
        GatewayError.KEY_REVOKED);
    assertRefused(
        unchecked(() -> EchoServiceGrpc.newBlockingStub(gw.signedChannel(expired)).withDeadlineAfter(10, TimeUnit.SECONDS).echo(BODY)),
        GatewayError.KEY_REVOKED);
  }

  @Test
  void duplicatedSignatureHeader_isMalformed() {
    Map<String, String> h = signedHeaders(signer(gw.acmeKey.accessKey(), secretOf(gw.acmeKey), Clock.systemUTC()), BODY.toByteArray());
    Metadata md = new Metadata();
    h.forEach((k, v) -> md.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
    md.put(Metadata.Key.of("x-ca-nonce", Metadata.ASCII_STRING_MARSHALLER), UUID.randomUUID().toString());
    assertRefused(
        unchecked(() -> EchoServiceGrpc.newBlockingStub(gw.intercepted(MetadataUtils.newAttachHeadersInterceptor(md)))
            .withDeadlineAfter(10, TimeUnit.SECONDS).echo(BODY)),
        GatewayError.MALFORMED_HEADER);
  }

  @Test
  void garbageSignature_isMalformed() {
    Map<String, String> h = new java.util.HashMap<>(signedHeaders(signer(gw.acmeKey.accessKey(), secretOf(gw.acmeKey), Clock.systemUTC()), BODY.toByteArray()));
    h.put("x-ca-signature", "%%%not-base64%%%");
    assertRefused(unchecked(() -> sendWith(h, BODY)), GatewayError.MALFORMED_HEADER);
  }

  @Test
  void hugeMetadata_isRefusedByTheTransport_andNothingBreaks() throws Exception {
    Map<String, String> h = new java.util.HashMap<>(signedHeaders(signer(gw.acmeKey.accessKey(), secretOf(gw.acmeKey), Clock.systemUTC()), BODY.toByteArray()));
    h.put("x-ca-nonce", "n".repeat(20_000));
    Metadata md = new Metadata();
    h.forEach((k, v) -> md.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
    ManagedChannel connection = gw.channel();

    // The gateway announces its 8 KiB header limit in its HTTP/2 SETTINGS, so a conforming
    // client fails the stream itself; a stream error, not a connection error.
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
        EchoServiceGrpc.newBlockingStub(
                ClientInterceptors.intercept(connection, MetadataUtils.newAttachHeadersInterceptor(md)))
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .echo(BODY));
    assertThat(e).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);

    // A normal signed call on the same channel still goes through to the backend.
    gw.backendHeaders.clear();
    Channel signed = ClientInterceptors.intercept(
        connection,
        SigningClientInterceptor.create(gw.acmeKey.accessKey(), AccessSecret.copyOf(secretOf(gw.acmeKey))));
    EchoResponse answer = EchoServiceGrpc.newBlockingStub(signed)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setMessage("after the huge one").build());
    assertThat(answer.getMessage()).isEqualTo("after the huge one");
    assertThat(answer.getBackend()).isEqualTo("acme-backend");
    assertThat(gw.backendHeaders.poll(5, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void unknownMethod_isUnimplementedWithUnknownApi() {
    assertRefused(
        unchecked(() -> ClientCalls.blockingUnaryCall(
            gw.channel(),
            ByteMarshaller.methodDescriptor("keygate.demo.v1.EchoService/NotRegistered"),
            CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
            new byte[0])),
        GatewayError.UNKNOWN_API);
  }

  @Test
  void signatureForOneApi_cannotBeUsedOnAnother() throws Exception {
    // Signed for Echo, sent to EchoStream: the path is part of the string to sign.
    Map<String, String> h = signedHeaders(signer(gw.acmeKey.accessKey(), secretOf(gw.acmeKey), Clock.systemUTC()), BODY.toByteArray());
    Metadata md = new Metadata();
    h.forEach((k, v) -> md.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
    assertRefused(
        unchecked(() -> EchoServiceGrpc.newBlockingStub(gw.intercepted(MetadataUtils.newAttachHeadersInterceptor(md)))
            .withDeadlineAfter(10, TimeUnit.SECONDS).echoStream(BODY).hasNext()),
        GatewayError.BAD_SIGNATURE);
  }

  static byte[] sha256(byte[] b) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(b);
  }
}
