package io.keygate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignatureHeadersTest {
  private static final String DIGEST = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final String SIGNATURE = "ZbhDP6IINpzl5wKLCJbaniEpQY5tKQXlGOiVgEq0LEc=";

  private static Map<String, List<String>> headers(String signedList) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    put(m, "x-ca-key", "AK1");
    put(m, "x-ca-timestamp", "1764547200000");
    put(m, "x-ca-nonce", "nonce-0000000000001");
    put(m, "x-ca-content-sha256", DIGEST);
    put(m, "x-ca-signature-method", "HmacSHA256");
    put(m, "x-ca-stage", "RELEASE");
    put(m, "x-ca-signature-headers", signedList);
    put(m, "x-ca-signature", SIGNATURE);
    return m;
  }

  private static void put(Map<String, List<String>> m, String name, String value) {
    m.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
  }

  private static SignedRequest request(Map<String, List<String>> m) {
    return SignedRequest.withFirstMessage("/p.S/M", "host", m, new byte[0]);
  }

  @Test
  void parse_sortsTheSignedHeadersByName_whateverTheListOrder() throws Exception {
    SignatureHeaders h = SignatureHeaders.parse(request(headers(
        "x-ca-timestamp,x-ca-stage,x-ca-nonce,x-ca-key,x-ca-content-sha256")));

    assertThat(h.signedHeaders().keySet()).containsExactly(
        "x-ca-content-sha256", "x-ca-key", "x-ca-nonce", "x-ca-stage", "x-ca-timestamp");
    assertThat(h.timestampMillis()).isEqualTo(1_764_547_200_000L);
    assertThat(h.signature()).hasSize(32);
  }

  @Test
  void parse_allowsSigningTheSignatureMethod() throws Exception {
    SignatureHeaders h = SignatureHeaders.parse(request(headers(
        "x-ca-content-sha256,x-ca-key,x-ca-nonce,x-ca-signature-method,x-ca-timestamp")));
    assertThat(h.signedHeaders()).containsEntry("x-ca-signature-method", "HmacSHA256");
  }

  @Test
  void parse_reportsMissingBeforeMalformed() {
    Map<String, List<String>> m = headers("x-ca-content-sha256,x-ca-key,x-ca-nonce,x-ca-timestamp");
    m.put("x-ca-signature", List.of("not base64"));
    m.remove("x-ca-nonce");

    assertThatThrownBy(() -> SignatureHeaders.parse(request(m)))
        .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.failure()).isEqualTo(AuthFailure.MISSING_HEADER))
        .hasMessage("missing x-ca-nonce");
  }

  @Test
  void parse_refusesAListedHeaderThatIsNotSent() {
    Map<String, List<String>> m = headers("x-ca-content-sha256,x-ca-key,x-ca-nonce,x-ca-timestamp,x-ca-group");
    assertThatThrownBy(() -> SignatureHeaders.parse(request(m)))
        .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.failure()).isEqualTo(AuthFailure.MALFORMED_HEADER));
  }

  @Test
  void stringToSign_isByteExact() {
    byte[] sts = StringToSign.build("API.Example:443", DIGEST,
        new java.util.TreeMap<>(Map.of("x-ca-key", "AK1", "x-ca-nonce", "n")), "/p.S/M");
    assertThat(new String(sts, StandardCharsets.UTF_8))
        .isEqualTo("POST\napi.example:443\n" + DIGEST + "\nx-ca-key:AK1\nx-ca-nonce:n\n/p.S/M");
  }
}
