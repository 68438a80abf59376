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

  // ---- signature version 2 (spec section 13): the version is a signed header or absent ----

  @Test
  void parse_aSignedVersion2_isAChainedCall() throws Exception {
    Map<String, List<String>> m =
        headers("x-ca-content-sha256,x-ca-key,x-ca-nonce,x-ca-signature-version,x-ca-timestamp");
    put(m, "x-ca-signature-version", "2");

    assertThat(SignatureHeaders.parse(request(m)).chained()).isTrue();
  }

  @Test
  void parse_noVersion_isAVersion1Call() throws Exception {
    SignatureHeaders h = SignatureHeaders.parse(request(headers(
        "x-ca-content-sha256,x-ca-key,x-ca-nonce,x-ca-timestamp")));

    assertThat(h.chained()).isFalse();
  }

  @Test
  void parse_refusesASignedVersionOtherThan2() {
    Map<String, List<String>> m =
        headers("x-ca-content-sha256,x-ca-key,x-ca-nonce,x-ca-signature-version,x-ca-timestamp");
    put(m, "x-ca-signature-version", "3");

    assertThatThrownBy(() -> SignatureHeaders.parse(request(m)))
        .isInstanceOfSatisfying(Rejection.class,
            r -> assertThat(r.failure()).isEqualTo(AuthFailure.MALFORMED_HEADER))
        .hasMessageContaining("is not 2");
  }

  @Test
  void parse_refusesAVersionSentButNotSigned_soNoEnvelopeReachesABackendAsAMessage() {
    Map<String, List<String>> m = headers("x-ca-content-sha256,x-ca-key,x-ca-nonce,x-ca-timestamp");
    put(m, "x-ca-signature-version", "2");

    assertThatThrownBy(() -> SignatureHeaders.parse(request(m)))
        .isInstanceOfSatisfying(Rejection.class,
            r -> assertThat(r.failure()).isEqualTo(AuthFailure.MALFORMED_HEADER))
        .hasMessageContaining("sent but not signed");
  }

  @Test
  void stringToSign_isByteExact() {
    byte[] sts = StringToSign.build("API.Example:443", DIGEST,
        new java.util.TreeMap<>(Map.of("x-ca-key", "AK1", "x-ca-nonce", "n")), "/p.S/M");
    assertThat(new String(sts, StandardCharsets.UTF_8))
        .isEqualTo("POST\napi.example:443\n" + DIGEST + "\nx-ca-key:AK1\nx-ca-nonce:n\n/p.S/M");
  }

  // 'Ł' (U+0141) cut to a byte is 'A': were the builder to cut, a request signed with "A" would
  // verify with "Ł" in its place. The parser refuses both; the builder refuses on its own too.
  @Test
  void stringToSign_refusesACharacterOutsideAscii_ratherThanCutItToAByte() {
    assertThatThrownBy(() -> StringToSign.build("api.example", DIGEST,
        new java.util.TreeMap<>(Map.of("x-ca-key", "\u0141K1")), "/p.S/M"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StringToSign.build("api.example", DIGEST,
        new java.util.TreeMap<>(Map.of("x-ca-key", "AK1")), "/p.S/\u00e9"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertMalformed(Map<String, List<String>> m) {
    assertThatThrownBy(() -> SignatureHeaders.parse(request(m)))
        .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.failure()).isEqualTo(AuthFailure.MALFORMED_HEADER));
  }

  // A proxy may strip it, so the bytes the gateway verifies would differ from those signed.
  @Test
  void parse_refusesAValueWithATrailingOrLeadingSpace() {
    Map<String, List<String>> trailing = headers("x-ca-content-sha256,x-ca-key,x-ca-nonce,x-ca-stage,x-ca-timestamp");
    trailing.put("x-ca-stage", List.of("RELEASE "));
    assertMalformed(trailing);
    Map<String, List<String>> leading = headers("x-ca-content-sha256,x-ca-key,x-ca-nonce,x-ca-stage,x-ca-timestamp");
    leading.put("x-ca-stage", List.of(" RELEASE"));
    assertMalformed(leading);
  }

  @Test
  void isValidValue_takes512CharactersButNot513() {
    assertThat(SignatureHeaders.isValidValue("k".repeat(512))).isTrue();
    assertThat(SignatureHeaders.isValidValue("k".repeat(513))).isFalse();
    assertThat(SignatureHeaders.isValidValue("a b")).isTrue();
    assertThat(SignatureHeaders.isValidValue("")).isFalse();
    assertThat(SignatureHeaders.isValidValue("a\u007fb")).isFalse();
    assertThat(SignatureHeaders.isValidValue("a\u001fb")).isFalse();
    assertThat(SignatureHeaders.isValidValue("~ !")).isTrue();
  }

  private static Map<String, List<String>> withSignedNames(int count) {
    List<String> names = new ArrayList<>(List.of("x-ca-content-sha256", "x-ca-key", "x-ca-nonce", "x-ca-timestamp"));
    Map<String, List<String>> m = headers("");
    for (int i = names.size(); i < count; i++) {
      String name = "x-ca-extra-" + i;
      names.add(name);
      put(m, name, "v" + i);
    }
    m.put("x-ca-signature-headers", List.of(String.join(",", names)));
    return m;
  }

  @Test
  void parse_takesExactly16SignedNames_andRefuses17() throws Exception {
    assertThat(SignatureHeaders.parse(request(withSignedNames(16))).signedHeaders()).hasSize(16);
    assertMalformed(withSignedNames(17));
  }

  // An empty name at either end is a name the spec refuses, not a separator to skip: a list a
  // client signed with a trailing comma must not verify as the list without it.
  @Test
  void parse_refusesAnEmptyNameAtEitherEndOfTheList() {
    for (String list : List.of("x-ca-content-sha256,x-ca-key,x-ca-nonce,x-ca-timestamp,",
        ",x-ca-content-sha256,x-ca-key,x-ca-nonce,x-ca-timestamp",
        "x-ca-content-sha256,x-ca-key,,x-ca-nonce,x-ca-timestamp")) {
      assertThatThrownBy(() -> SignatureHeaders.parse(request(headers(list))))
          .as(list)
          .isInstanceOfSatisfying(Rejection.class,
              r -> assertThat(r.failure()).isEqualTo(AuthFailure.MALFORMED_HEADER))
          .hasMessageContaining("cannot be signed");
    }
  }

  // The count comes first, and an empty name counts: 16 names after a leading comma are 17.
  @Test
  void parse_countsAnEmptyFirstName_beforeCheckingAnyName() {
    Map<String, List<String>> m = withSignedNames(16);
    m.put("x-ca-signature-headers", List.of("," + m.get("x-ca-signature-headers").get(0)));

    assertThatThrownBy(() -> SignatureHeaders.parse(request(m)))
        .isInstanceOfSatisfying(Rejection.class,
            r -> assertThat(r.failure()).isEqualTo(AuthFailure.MALFORMED_HEADER))
        .hasMessageContaining("more than 16");
  }

  // Listing a name twice must not let one signature cover two different readings of the list.
  @Test
  void parse_refusesANameListedTwice() {
    assertMalformed(headers("x-ca-content-sha256,x-ca-key,x-ca-nonce,x-ca-timestamp,x-ca-key"));
  }

  @Test
  void signedRequest_valuesCannotBeChangedAfterParsing() {
    SignedRequest r = request(headers("x-ca-content-sha256,x-ca-key,x-ca-nonce,x-ca-timestamp"));
    assertThatThrownBy(() -> r.values("x-ca-key").add("AK2")).isInstanceOf(UnsupportedOperationException.class);
    assertThat(r.metadata()).containsKey("x-ca-key");
    assertThat(r.firstMessageSha256()).hasSize(32);
    assertThat(r.toString()).contains("x-ca-key").doesNotContain(SIGNATURE);
  }
}
