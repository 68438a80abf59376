package io.keygate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.client.AccessSecret;
import io.keygate.client.XcaSigner;
import io.keygate.gateway.config.ConfigSnapshot;
import io.keygate.gateway.model.Credential;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Whatever the metadata holds, the authenticator answers with a code and never throws. */
class MalformedMetadataTest {
  private static final long NOW = 1_764_547_200_000L;
  private static final String ACCESS_KEY = "AKmalformed0000001";
  private static final KeyLabel LABEL = KeyLabel.of("ak-malformed-1");
  private static final String PATH = "/keygate.demo.v1.EchoService/Echo";
  private static final String AUTHORITY = "api.tenant-a.example:443";
  private static final byte[] BODY = "hello".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SECRET = new byte[32];

  private final MutableClock clock = MutableClock.atMillis(NOW);
  private final ConfigSnapshot snapshot = new ConfigSnapshot(1, List.of(), List.of(), List.of(),
      List.of(new Credential(ACCESS_KEY, "app-1", "tenant-a", LABEL, null, false, null)), List.of(), List.of());

  @Test
  void authenticate_rejectsMalformedMetadataWithTheRightCode() throws Exception {
    check("1 MB signature", m -> m.put("x-ca-signature", List.of("A".repeat(1 << 20))), AuthFailure.MALFORMED_HEADER);
    check("100 KB access key", m -> m.put("x-ca-key", List.of("K".repeat(100_000))), AuthFailure.MALFORMED_HEADER);
    check("10 000 signed names", m -> m.put("x-ca-signature-headers", List.of("x-ca-a,".repeat(10_000))), AuthFailure.MALFORMED_HEADER);
    check("duplicate nonce", m -> m.get("x-ca-nonce").add("another-nonce-0123456"), AuthFailure.MALFORMED_HEADER);
    check("duplicate signature-headers", m -> m.get("x-ca-signature-headers").add("x-ca-key"), AuthFailure.MALFORMED_HEADER);
    check("non-ASCII digits in timestamp", m -> m.put("x-ca-timestamp", List.of("\uff11\uff17\uff16\uff14")), AuthFailure.MALFORMED_HEADER);
    check("replacement character in nonce", m -> m.put("x-ca-nonce", List.of("nonce\ufffdnonce-nonce")), AuthFailure.MALFORMED_HEADER);
    check("NUL in key", m -> m.put("x-ca-key", List.of("AK\u0000")), AuthFailure.MALFORMED_HEADER);
    check("newline in signature-method", m -> m.put("x-ca-signature-method", List.of("HmacSHA256\n")), AuthFailure.MALFORMED_HEADER);
    check("bad base64", m -> m.put("x-ca-signature", List.of("%%%%")), AuthFailure.MALFORMED_HEADER);
    check("base64 of 33 bytes", m -> m.put("x-ca-signature", List.of(Base64.getEncoder().encodeToString(new byte[33]))), AuthFailure.MALFORMED_HEADER);
    check("non-canonical base64", m -> m.put("x-ca-signature", List.of("A".repeat(42) + "B=")), AuthFailure.MALFORMED_HEADER);
    check("empty signature", m -> m.put("x-ca-signature", List.of("")), AuthFailure.MALFORMED_HEADER);
    check("20-digit timestamp", m -> m.put("x-ca-timestamp", List.of("99999999999999999999")), AuthFailure.MALFORMED_HEADER);
    check("negative timestamp", m -> m.put("x-ca-timestamp", List.of("-1764547200000")), AuthFailure.MALFORMED_HEADER);
    check("listed -bin header", m -> {
      m.put("x-ca-trace-bin", new ArrayList<>(List.of("AAAA")));
      m.put("x-ca-signature-headers", List.of(m.get("x-ca-signature-headers").get(0) + ",x-ca-trace-bin"));
    }, AuthFailure.MALFORMED_HEADER);
    check("upper-case name colliding with lower-case", m -> m.put("X-Ca-Key", List.of(ACCESS_KEY)), AuthFailure.MALFORMED_HEADER);
    check("empty values list", m -> m.put("x-ca-nonce", List.of()), AuthFailure.MISSING_HEADER);
    check("no x-ca headers", Map::clear, AuthFailure.MISSING_HEADER);

    assertThat(wrong).isEmpty();
  }

  @Test
  void authenticate_rejectsAMissingPathOrAuthority() throws Exception {
    Map<String, List<String>> m = validMetadata();
    RequestAuthenticator a = authenticator();
    assertThat(RequestAuthenticatorTest.failureOf(a.authenticate(SignedRequest.withFirstMessage(null, AUTHORITY, m, BODY), snapshot)))
        .isEqualTo(AuthFailure.MALFORMED_HEADER);
    assertThat(RequestAuthenticatorTest.failureOf(a.authenticate(SignedRequest.withFirstMessage(PATH, null, m, BODY), snapshot)))
        .isEqualTo(AuthFailure.MALFORMED_HEADER);
  }

  @Test
  void authenticate_neverThrowsOnRandomlyDamagedMetadata() throws Exception {
    Random random = new Random(20251201);
    Map<String, List<String>> valid = validMetadata();
    List<String> names = new ArrayList<>(valid.keySet());
    int authenticated = 0;
    for (int i = 0; i < 5_000; i++) {
      Map<String, List<String>> m = copy(valid);
      int damages = 1 + random.nextInt(3);
      for (int d = 0; d < damages; d++) {
        String name = names.get(random.nextInt(names.size()));
        switch (random.nextInt(5)) {
          case 0 -> m.put(name, new ArrayList<>(List.of(randomString(random))));
          case 1 -> m.computeIfAbsent(name, k -> new ArrayList<>()).add(randomString(random));
          case 2 -> m.remove(name);
          case 3 -> m.put("x-ca-signature-headers",
              new ArrayList<>(List.of(valid.get("x-ca-signature-headers").get(0) + "," + randomString(random))));
          default -> m.computeIfPresent(name, (k, v) -> v.isEmpty() || v.get(0).isEmpty()
              ? v : new ArrayList<>(List.of(v.get(0).substring(0, random.nextInt(v.get(0).length())))));
        }
      }
      // A fresh store: a damage that changes nothing must authenticate, not count as a replay.
      AuthResult result = authenticator().authenticate(SignedRequest.withFirstMessage(PATH, AUTHORITY, m, BODY), snapshot);
      if (result.isAuthenticated()) {
        authenticated++;
        assertThat(m).as("only an undamaged request authenticates").isEqualTo(valid);
      }
    }
    assertThat(authenticated).isLessThan(5_000);
  }

  // ---- fixtures ----

  /** Every disagreement, collected so one run shows them all. */
  private final List<String> wrong = new ArrayList<>();

  private void check(String name, Consumer<Map<String, List<String>>> damage, AuthFailure expected) throws Exception {
    Map<String, List<String>> m = validMetadata();
    damage.accept(m);
    AuthResult result = authenticator().authenticate(SignedRequest.withFirstMessage(PATH, AUTHORITY, m, BODY), snapshot);
    AuthFailure got = result instanceof AuthResult.Rejected r ? r.failure() : null;
    if (got != expected) {
      wrong.add(name + ": expected " + expected + " but was " + (got == null ? "authenticated" : got));
    }
  }

  private RequestAuthenticator authenticator() {
    return new RequestAuthenticator(new SoftwareMacVerifier().with(LABEL, SECRET),
        new InMemoryNonceStore(clock, 100), ReplayWindow.withDefaultWindow(clock));
  }

  private Map<String, List<String>> validMetadata() {
    Map<String, String> headers = XcaSigner.builder(ACCESS_KEY, AccessSecret.copyOf(SECRET)).clock(clock)
        .signedHeader("x-ca-stage", "RELEASE").build()
        .signDigest(PATH, AUTHORITY, SignedRequest.sha256(BODY), NOW, "fixed-nonce-for-fuzzing-01")
        .headers();
    Map<String, List<String>> m = new LinkedHashMap<>();
    headers.forEach((k, v) -> m.put(k, new ArrayList<>(List.of(v))));
    return m;
  }

  private static Map<String, List<String>> copy(Map<String, List<String>> m) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, new ArrayList<>(v)));
    return out;
  }

  /** Mostly printable ASCII, sometimes controls, non-ASCII, commas or very long. */
  private static String randomString(Random random) {
    int length = random.nextInt(10) == 0 ? 500 + random.nextInt(100) : random.nextInt(40);
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      int kind = random.nextInt(20);
      sb.append(kind == 0 ? (char) random.nextInt(0x20)
          : kind == 1 ? (char) (0x80 + random.nextInt(0x3000))
          : kind == 2 ? ','
          : (char) (0x20 + random.nextInt(0x5F)));
    }
    return sb.toString();
  }
}
