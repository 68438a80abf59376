package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.grpc.Status;
import io.keygate.gateway.dataplane.PreAuthSettings;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Malformed and hostile requests over the real gateway (TLS, HSM, backends), one table: each
 * case gets its status and stable code, and a normal signed call from a fresh connection
 * succeeds right after it. Every failure is collected before the test asserts, so one run shows
 * all that broke.
 */
class HostileInputEndToEndTest {
  private static final String PATH = "/" + GatewayFixture.ECHO;
  private static final byte[] BODY = EchoRequest.newBuilder().setMessage("hostile").build().toByteArray();

  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("gateway");
  static GatewayFixture gw;

  @BeforeAll
  static void startGateway() throws Exception {
    gw = new GatewayFixture(tokens)
        .withSettings(s -> s.withPreAuth(new PreAuthSettings(
            PreAuthSettings.DEFAULT_MAX_FIRST_MESSAGE_BYTES, Duration.ofSeconds(1))))
        .start("gateway", List.of());
  }

  @AfterAll
  static void stopGateway() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  private interface Attack {
    CompletableFuture<RawCalls.Ended> run() throws Exception;
  }

  /** @param expected every acceptable ending (one, except where the transport may race) */
  private record Case(String name, Attack attack, List<RawCalls.Ended> expected) {
    Case(String name, Attack attack, RawCalls.Ended expected) {
      this(name, attack, List.of(expected));
    }
  }

  private static Map<String, String> signed(Clock clock, String path, byte[] body) {
    return RawCalls.signed(gw.acmeKey.accessKey(), gw.acmeKey.secret().unsafeCopy(), clock, path,
        "localhost:" + gw.gateway.port(), body);
  }

  private static Map<String, String> signed() {
    return signed(Clock.systemUTC(), PATH, BODY);
  }

  private static Map<String, String> with(Map<String, String> headers, String name, String value) {
    Map<String, String> changed = new HashMap<>(headers);
    changed.put(name, value);
    return changed;
  }

  private static CompletableFuture<RawCalls.Ended> send(
      String method, Metadata headers, io.grpc.CallOptions options, boolean halfClose,
      byte[]... messages) throws Exception {
    return RawCalls.start(gw.channel(), method, headers, options, halfClose, messages);
  }

  private static CompletableFuture<RawCalls.Ended> echo(Metadata headers, byte[]... messages)
      throws Exception {
    return send(GatewayFixture.ECHO, headers, RawCalls.deadline(15), true, messages);
  }

  private static CompletableFuture<RawCalls.Ended> echo(Map<String, String> headers)
      throws Exception {
    return echo(RawCalls.metadata(headers), BODY);
  }

  /** Sends {@code value}'s UTF-8 bytes as they are, as a non-conforming client would. */
  private static Metadata rawBytes(Map<String, String> headers, String name, String value) {
    Metadata md = RawCalls.metadata(headers);
    Metadata.Key<String> key = Metadata.Key.of(name, new Metadata.AsciiMarshaller<String>() {
      @Override
      public String toAsciiString(String v) {
        return new String(v.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
      }

      @Override
      public String parseAsciiString(String serialized) {
        return serialized;
      }
    });
    md.removeAll(key);
    md.put(key, value);
    return md;
  }

  private static List<Case> cases() {
    Metadata duplicated = RawCalls.metadata(signed());
    duplicated.put(Metadata.Key.of("x-ca-nonce", Metadata.ASCII_STRING_MARSHALLER),
        "AnotherNonce0000000000");
    byte[] big = new byte[1 << 20];
    new SecureRandom().nextBytes(big);
    byte[] bigBody = EchoRequest.newBuilder()
        .setMessage(java.util.Base64.getEncoder().encodeToString(big)).build().toByteArray();
    byte[] zeros = new byte[8 << 20];
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    Clock tenMinutesAgo = Clock.fixed(Instant.now().minus(Duration.ofMinutes(10)), ZoneOffset.UTC);
    return List.of(
        new Case("no signature at all", () -> echo(Map.of()),
            RawCalls.Ended.of(GatewayError.MISSING_HEADER)),
        new Case("duplicate x-ca-nonce", () -> echo(duplicated, BODY),
            RawCalls.Ended.of(GatewayError.MALFORMED_HEADER)),
        // grpc-java's client turns characters it cannot send as ASCII into '?': the gateway
        // sees a printable key that names no credential.
        new Case("non-ASCII x-ca-key",
            () -> echo(rawBytes(signed(), "x-ca-key", "AK\u00e9\u00e8\u4e2d"), BODY),
            RawCalls.Ended.of(GatewayError.UNKNOWN_KEY)),
        // The transport drops a header value with a control character: the header is missing.
        new Case("control character in x-ca-nonce",
            () -> echo(rawBytes(signed(), "x-ca-nonce", "abc\u0001defghijklmnopq"), BODY),
            RawCalls.Ended.of(GatewayError.MISSING_HEADER)),
        new Case("non-ASCII in a header the gateway does not sign",
            () -> echo(rawBytes(signed(), "x-user-note", "caf\u00e9 \u4e2d"), BODY),
            new RawCalls.Ended(Status.Code.OK, null)),
        new Case("oversized x-ca-nonce (4 000 characters, under the 8 KiB header limit)",
            () -> echo(with(signed(), "x-ca-nonce", "n".repeat(4_000))),
            RawCalls.Ended.of(GatewayError.MALFORMED_HEADER)),
        new Case("signature not base64",
            () -> echo(with(signed(), "x-ca-signature", "%%%not-base64%%%")),
            RawCalls.Ended.of(GatewayError.MALFORMED_HEADER)),
        new Case("signature base64 of the wrong length",
            () -> echo(with(signed(), "x-ca-signature", "AAAA")),
            RawCalls.Ended.of(GatewayError.MALFORMED_HEADER)),
        new Case("signed-header list names the signature itself",
            () -> echo(with(signed(), "x-ca-signature-headers",
                "x-ca-content-sha256,x-ca-key,x-ca-nonce,x-ca-signature,x-ca-timestamp")),
            RawCalls.Ended.of(GatewayError.MALFORMED_HEADER)),
        new Case("timestamp ten minutes old", () -> echo(signed(tenMinutesAgo, PATH, BODY)),
            RawCalls.Ended.of(GatewayError.BAD_TIMESTAMP)),
        new Case("invented AccessKey", () -> echo(RawCalls.signed("AKINVENTED0000000000",
                secret, Clock.systemUTC(), PATH, "localhost:" + gw.gateway.port(), BODY)),
            RawCalls.Ended.of(GatewayError.UNKNOWN_KEY)),
        new Case("unknown method", () -> send("keygate.demo.v1.EchoService/NoSuchMethod",
                RawCalls.metadata(signed()), RawCalls.deadline(15), true, BODY),
            RawCalls.Ended.of(GatewayError.UNKNOWN_API)),
        new Case("method name that is not a gRPC path", () -> send("not a method",
                RawCalls.metadata(signed()), RawCalls.deadline(15), true, BODY),
            RawCalls.Ended.of(GatewayError.UNKNOWN_API)),
        new Case("body changed after signing",
            () -> echo(RawCalls.metadata(signed()), "tampered".getBytes(StandardCharsets.US_ASCII)),
            RawCalls.Ended.of(GatewayError.BODY_DIGEST_MISMATCH)),
        new Case("replayed call", () -> {
              Map<String, String> once = signed();
              echo(once).get(15, TimeUnit.SECONDS);
              return echo(once);
            },
            RawCalls.Ended.of(GatewayError.REPLAYED_NONCE)),
        new Case("first message of 1.3 MB before authentication",
            () -> echo(RawCalls.metadata(signed(Clock.systemUTC(), PATH, bigBody)), bigBody),
            RawCalls.Ended.of(GatewayError.PREAUTH_MESSAGE_TOO_LARGE)),
        new Case("gzip bomb: 8 MiB of zeros in about 8 KiB",
            () -> send(GatewayFixture.ECHO, RawCalls.metadata(signed(Clock.systemUTC(), PATH, zeros)),
                RawCalls.deadline(15).withCompression("gzip"), true, zeros),
            RawCalls.Ended.of(GatewayError.PREAUTH_MESSAGE_TOO_LARGE)),
        new Case("headers, then nothing", () -> send(GatewayFixture.ECHO,
                RawCalls.metadata(signed()), RawCalls.deadline(15), false),
            RawCalls.Ended.of(GatewayError.FIRST_MESSAGE_TIMEOUT)),
        // The gateway does not know a method's shape: the backend refuses the second message
        // of a unary call. Its INTERNAL reaches the client if its trailers arrive first; if the
        // backend resets the stream first, the gateway answers CANCELLED Cancelled.
        new Case("extra message on a unary call",
            () -> echo(RawCalls.metadata(signed()), BODY, BODY),
            List.of(new RawCalls.Ended(Status.Code.INTERNAL, null),
                RawCalls.Ended.of(GatewayError.CANCELLED))));
  }

  @Test
  void everyHostileRequest_getsItsStatusAndCode_andANormalCallSucceedsRightAfter()
      throws Exception {
    List<String> failures = new ArrayList<>();
    for (Case c : cases()) {
      RawCalls.Ended ended;
      try {
        ended = c.attack().run().get(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        failures.add(c.name() + ": " + e);
        continue;
      }
      if (!c.expected().contains(ended)) {
        failures.add(c.name() + ": expected " + c.expected() + " but was " + ended);
      }
      try {
        String echoed = EchoServiceGrpc.newBlockingStub(gw.signedChannel(gw.acmeKey))
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .echo(EchoRequest.newBuilder().setMessage("after " + c.name()).build())
            .getMessage();
        if (!echoed.equals("after " + c.name())) {
          failures.add(c.name() + ": the next normal call echoed " + echoed);
        }
      } catch (RuntimeException e) {
        failures.add(c.name() + ": the next normal call failed: " + e);
      }
    }
    assertThat(failures).isEmpty();
  }
}
