package io.keygate.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every vector through a real (in-process) gRPC backend protected by {@link AttestedServices}, a
 * fresh verifier per case with its clock at the case's instant; every failure is collected before
 * the assertion, so one run lists them all.
 */
class AttestationVectorTest {
  @Test
  void everyVector_getsItsExpectedAnswer_fromAProtectedBackend() throws Exception {
    AttestationVectors vectors = AttestationVectors.load();
    assertThat(TrustedGatewayKeys.keyId(vectors.publicKey)).isEqualTo(vectors.keyId);
    assertThat(TrustedGatewayKeys.hmacKeyId(vectors.hmacKey)).isEqualTo(vectors.hmacKeyId);
    List<String> failures = new ArrayList<>();
    for (AttestationVectors.Case c : vectors.cases) {
      String answer;
      try (AttestedBackend backend = new AttestedBackend(verifierAt(vectors, c.nowMillis()))) {
        answer = backend.call(c.method(), c.received(), c.body());
      }
      String expected = c.expected().equals("accept")
          ? "OK " + c.headers().get("x-keygate-tenant") + ":"
              + new String(c.body(), StandardCharsets.ISO_8859_1)
          : c.expected();
      if (!answer.equals(expected)) {
        failures.add(c.id() + " (" + c.comment() + "): expected " + expected + ", got " + answer);
      }
    }
    assertThat(failures).isEmpty();
    assertThat(vectors.cases).hasSizeGreaterThanOrEqualTo(29);
    assertThat(vectors.cases).filteredOn(c -> c.id().startsWith("hmac-")).hasSize(10);
  }

  @Test
  void theSignedText_isExactlyTheVectors() {
    List<String> failures = new ArrayList<>();
    for (AttestationVectors.Case c : AttestationVectorsHolder.cases()) {
      if (c.stringToSign() == null) {
        continue;
      }
      Map<String, String> h = c.headers();
      String text = new String(AttestationHeaders.stringToSign(c.method(), h.get("x-keygate-tenant"),
          h.get("x-keygate-app"), h.get("x-keygate-api"), h.get("x-keygate-request-id"),
          Long.parseLong(h.get("x-keygate-timestamp")), h.get("x-keygate-content-sha256")),
          StandardCharsets.US_ASCII);
      if (!text.equals(c.stringToSign())) {
        failures.add(c.id() + ": " + text);
      }
    }
    assertThat(failures).isEmpty();
  }

  static AttestationVerifier verifierAt(AttestationVectors vectors, long nowMillis) {
    return new AttestationVerifier(TrustedGatewayKeys.of(List.of(vectors.publicKey))
        .and(TrustedGatewayKeys.hmac(vectors.hmacKey)),
        Clock.fixed(Instant.ofEpochMilli(nowMillis), ZoneOffset.UTC),
        Duration.ofMillis(vectors.windowMillis), 1_000);
  }

  /** Loads once for the text test (the gRPC test loads its own). */
  private static final class AttestationVectorsHolder {
    static List<AttestationVectors.Case> cases() {
      try {
        return AttestationVectors.load().cases;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
  }
}
