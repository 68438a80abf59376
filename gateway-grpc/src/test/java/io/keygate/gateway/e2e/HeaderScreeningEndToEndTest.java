package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.gateway.errors.GatewayError;
import io.keygate.gateway.credentials.CredentialIssuer;
import io.keygate.gateway.credentials.IssuedCredential.InClear;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A call that cannot be authenticated is refused on its headers, before the gateway asks for a
 * message: each client here starts a call and never sends one. Before the fix the gateway waited
 * for the first message, so these calls hung until the client's deadline (DEADLINE_EXCEEDED).
 */
class HeaderScreeningEndToEndTest extends GatewayEndToEnd {
  private static final EchoRequest BODY = EchoRequest.newBuilder().setMessage("screened").build();
  private static final String PATH = "/" + GatewayFixture.ECHO;

  @AfterEach
  void aLegitimateClientOnAnotherConnectionStillGetsThrough() throws Exception {
    assertThat(EchoServiceGrpc.newBlockingStub(gw.signedChannel(gw.acmeKey))
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .echo(BODY)
            .getMessage())
        .isEqualTo("screened");
  }

  private static RawCalls.Ended stallWith(Map<String, String> headers) throws Exception {
    return RawCalls.start(gw.channel(), GatewayFixture.ECHO, RawCalls.metadata(headers),
            RawCalls.deadline(8), false)
        .get(15, TimeUnit.SECONDS);
  }

  private static Map<String, String> signedBy(String key, byte[] secret, Clock clock) {
    return RawCalls.signed(key, secret, clock, PATH, "localhost:" + gw.gateway.port(),
        BODY.toByteArray());
  }

  @Test
  void timestampOutsideTheWindow_isRefusedBeforeAnyMessage() throws Exception {
    Clock tenMinutesAgo = Clock.fixed(Instant.now().minus(Duration.ofMinutes(10)), ZoneOffset.UTC);
    assertThat(stallWith(signedBy(gw.acmeKey.accessKey(), gw.acmeKey.secret().unsafeCopy(), tenMinutesAgo)))
        .isEqualTo(RawCalls.Ended.of(GatewayError.BAD_TIMESTAMP));
  }

  @Test
  void unknownAccessKey_isRefusedBeforeAnyMessage() throws Exception {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    assertThat(stallWith(signedBy("AKINVENTED000000000000", secret, Clock.systemUTC())))
        .isEqualTo(RawCalls.Ended.of(GatewayError.UNKNOWN_KEY));
  }

  @Test
  void revokedCredential_isRefusedBeforeAnyMessage() throws Exception {
    InClear revoked =
        new CredentialIssuer(gw.hsm, gw.store, new SecureRandom()).issue("acme", "acme-app", null);
    gw.store.revokeCredential("acme", revoked.accessKey());
    gw.gateway.refreshConfiguration();
    assertThat(stallWith(signedBy(revoked.accessKey(), revoked.secret().unsafeCopy(), Clock.systemUTC())))
        .isEqualTo(RawCalls.Ended.of(GatewayError.KEY_REVOKED));
  }

  @Test
  void missingAndMalformedHeaders_areRefusedBeforeAnyMessage() throws Exception {
    assertThat(stallWith(Map.of())).isEqualTo(RawCalls.Ended.of(GatewayError.MISSING_HEADER));
    Map<String, String> bad = new HashMap<>(
        signedBy(gw.acmeKey.accessKey(), gw.acmeKey.secret().unsafeCopy(), Clock.systemUTC()));
    bad.put("x-ca-timestamp", "yesterday");
    assertThat(stallWith(bad)).isEqualTo(RawCalls.Ended.of(GatewayError.MALFORMED_HEADER));
  }
}
