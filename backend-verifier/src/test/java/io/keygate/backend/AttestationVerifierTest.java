package io.keygate.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the vectors cannot show: state across calls, and the verifier's own limits. */
class AttestationVerifierTest {
  private final AttestationVectors vectors = load();
  private final AttestationVectors.Case valid = vectors.cases.get(0);

  @Test
  void aCapturedCall_sentAgain_isRefusedAsAReplay() throws Exception {
    AttestationVerifier verifier = AttestationVectorTest.verifierAt(vectors, valid.nowMillis());
    try (AttestedBackend backend = new AttestedBackend(verifier)) {
      assertThat(backend.call(valid.method(), valid.received(), valid.body())).startsWith("OK ");
      assertThat(backend.call(valid.method(), valid.received(), valid.body()))
          .isEqualTo("AttestationReplayed");
    }
  }

  @Test
  void aRefusedCall_isNotRemembered_soItCannotFillTheReplayCache() throws Exception {
    AttestationVerifier verifier = new AttestationVerifier(
        TrustedGatewayKeys.of(List.of(vectors.publicKey)),
        java.time.Clock.fixed(java.time.Instant.ofEpochMilli(valid.nowMillis()), java.time.ZoneOffset.UTC),
        java.time.Duration.ofMillis(vectors.windowMillis), 1);
    try (AttestedBackend backend = new AttestedBackend(verifier)) {
      var forged = new java.util.LinkedHashMap<>(valid.received());
      forged.put("x-keygate-tenant", "globex");
      assertThat(backend.call(valid.method(), forged, valid.body())).isEqualTo("AttestationInvalid");
      // The one place left is still free for the genuine call.
      assertThat(backend.call(valid.method(), valid.received(), valid.body())).startsWith("OK ");
    }
  }

  @Test
  void aFullReplayCache_refusesNewCalls_ratherThanForget() throws Exception {
    AttestationVectors.Case other = vectors.cases.stream()
        .filter(c -> c.id().equals("valid-no-message")).findFirst().orElseThrow();
    AttestationVerifier verifier = new AttestationVerifier(
        TrustedGatewayKeys.of(List.of(vectors.publicKey)),
        java.time.Clock.fixed(java.time.Instant.ofEpochMilli(valid.nowMillis()), java.time.ZoneOffset.UTC),
        java.time.Duration.ofMillis(vectors.windowMillis), 1);
    try (AttestedBackend backend = new AttestedBackend(verifier)) {
      assertThat(backend.call(valid.method(), valid.received(), valid.body())).startsWith("OK ");
      assertThat(backend.call(other.method(), other.received(), other.body()))
          .isEqualTo("AttestationReplayCacheFull");
    }
  }

  @Test
  void theReplayCache_forgetsAnIdOnceItsTimestampLeftTheWindow() {
    RecentRequestIds ids = new RecentRequestIds(1);
    assertThat(ids.record("a", 1_000, 0)).isEqualTo(RecentRequestIds.Outcome.FIRST);
    assertThat(ids.record("a", 1_000, 999)).isEqualTo(RecentRequestIds.Outcome.REPLAYED);
    assertThat(ids.record("b", 2_000, 999)).isEqualTo(RecentRequestIds.Outcome.FULL);
    assertThat(ids.record("b", 2_000, 1_000)).isEqualTo(RecentRequestIds.Outcome.FIRST);
  }

  @Test
  void onlyP256Keys_areTrusted() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    assertThatThrownBy(() -> TrustedGatewayKeys.of(List.of(rsa.generateKeyPair().getPublic())))
        .isInstanceOf(IllegalArgumentException.class);
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp384r1"));
    assertThatThrownBy(() -> TrustedGatewayKeys.of(List.of(ec.generateKeyPair().getPublic())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TrustedGatewayKeys.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onlyHmacKeysOf32Bytes_areTrusted_andTheirBytesNeverPrint() throws Exception {
    assertThatThrownBy(() -> TrustedGatewayKeys.hmac(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TrustedGatewayKeys.hmac())
        .isInstanceOf(IllegalArgumentException.class);
    TrustedGatewayKeys keys = TrustedGatewayKeys.hmac(vectors.hmacKey);
    String hex = java.util.HexFormat.of().formatHex(vectors.hmacKey);
    String b64 = java.util.Base64.getEncoder().encodeToString(vectors.hmacKey);
    assertThat(keys.toString()).contains(vectors.hmacKeyId).doesNotContain(hex).doesNotContain(b64);
  }

  @Test
  void hmacKeyFiles_holdOneLineOfBase64_asKeystoreAdminWritesThem() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("hmac-key");
    java.nio.file.Path file = dir.resolve("backend.key");
    java.nio.file.Files.writeString(file,
        java.util.Base64.getEncoder().encodeToString(vectors.hmacKey) + "\n");
    java.nio.file.Path bad = dir.resolve("bad.key");
    java.nio.file.Files.writeString(bad, "not base64 %%%\n");
    try {
      assertThat(TrustedGatewayKeys.fromHmacKeyFiles(file).toString()).contains(vectors.hmacKeyId);
      assertThatThrownBy(() -> TrustedGatewayKeys.fromHmacKeyFiles(bad))
          .isInstanceOf(java.io.IOException.class).hasMessageNotContaining("%%%");
    } finally {
      java.nio.file.Files.delete(file);
      java.nio.file.Files.delete(bad);
      java.nio.file.Files.delete(dir);
    }
  }

  @Test
  void aLineFeedInAValue_cannotShiftOneFieldIntoTheNext() {
    assertThatThrownBy(() -> AttestationHeaders.stringToSign("/a/b", "acme\nacme-app", "x", "api",
        "id", 1, "d")).isInstanceOf(IllegalArgumentException.class);
    assertThat(new String(AttestationHeaders.stringToSign("/a/b", "t", "a", "api", "id", 7, "d"),
        StandardCharsets.US_ASCII)).isEqualTo("keygate-backend-attestation-v1\n/a/b\nt\na\napi\nid\n7\nd");
  }

  private static AttestationVectors load() {
    try {
      return AttestationVectors.load();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
