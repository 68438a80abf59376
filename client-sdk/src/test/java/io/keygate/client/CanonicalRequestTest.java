package io.keygate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalRequestTest {
  private static final String DIGEST = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private static Map<String, String> required() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("x-ca-timestamp", "1764547200000");
    h.put("x-ca-nonce", "nonce-nonce-nonce-1");
    h.put("x-ca-key", "AK1");
    h.put("x-ca-content-sha256", DIGEST);
    return h;
  }

  @Test
  void stringToSign_sortsHeadersByteWise_andLowerCasesTheAuthority() {
    Map<String, String> h = required();
    h.put("x-ca-key-epoch", "2");
    h.put("x-ca-api-group", "Orders: v1");
    CanonicalRequest c = CanonicalRequest.of("/pkg.Svc/Method", "Host.Example:443", DIGEST, h);

    assertThat(c.stringToSign()).isEqualTo(String.join("\n",
        "POST",
        "host.example:443",
        DIGEST,
        "x-ca-api-group:Orders: v1",
        "x-ca-content-sha256:" + DIGEST,
        "x-ca-key:AK1",
        "x-ca-key-epoch:2",
        "x-ca-nonce:nonce-nonce-nonce-1",
        "x-ca-timestamp:1764547200000",
        "/pkg.Svc/Method"));
    assertThat(c.signatureHeaders())
        .isEqualTo("x-ca-api-group,x-ca-content-sha256,x-ca-key,x-ca-key-epoch,x-ca-nonce,x-ca-timestamp");
  }

  @Test
  void of_refusesAListWithoutARequiredHeader() {
    Map<String, String> h = required();
    h.remove("x-ca-nonce");
    assertThatThrownBy(() -> CanonicalRequest.of("/p.S/M", "h", DIGEST, h)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void of_refusesReservedOrBinaryOrNonXcaNames() {
    for (String name : new String[] {"x-ca-signature", "x-ca-signature-headers", "x-ca-data-bin", "user-agent", "X-Ca-Stage"}) {
      Map<String, String> h = required();
      h.put(name, "v");
      assertThatThrownBy(() -> CanonicalRequest.of("/p.S/M", "h", DIGEST, h)).as(name)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void of_refusesValuesOutsidePrintableAsciiOrWithSurroundingSpaces() {
    for (String value : new String[] {"", " x", "x ", "a\tb", "caf\u00e9", "x".repeat(513)}) {
      Map<String, String> h = required();
      h.put("x-ca-stage", value);
      assertThatThrownBy(() -> CanonicalRequest.of("/p.S/M", "h", DIGEST, h)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void of_refusesABadPathAuthorityOrDigest() {
    assertThatThrownBy(() -> CanonicalRequest.of("p.S/M", "h", DIGEST, required())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CanonicalRequest.of("/p.S/M", "", DIGEST, required())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CanonicalRequest.of("/p.S/M", "h h", DIGEST, required())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CanonicalRequest.of("/p.S/M", "h", DIGEST.toUpperCase(), required())).isInstanceOf(IllegalArgumentException.class);
  }

  // The digest line and the signed digest header are two copies of one fact: if they could differ,
  // a signature would cover a header the gateway does not check against the message.
  @Test
  void of_refusesADigestLineThatDisagreesWithTheSignedDigestHeader() {
    Map<String, String> h = required();
    h.put("x-ca-content-sha256", "0".repeat(64));
    assertThatThrownBy(() -> CanonicalRequest.of("/p.S/M", "h", DIGEST, h))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x-ca-content-sha256");
  }

  @Test
  void of_takesExactly16SignedHeaders_andRefuses17() {
    Map<String, String> h = required();
    for (int i = 0; i < 12; i++) {
      h.put("x-ca-extra-" + i, "v");
    }
    assertThat(CanonicalRequest.of("/p.S/M", "h", DIGEST, h).signedHeaders()).hasSize(16);
    h.put("x-ca-extra-12", "v");
    assertThatThrownBy(() -> CanonicalRequest.of("/p.S/M", "h", DIGEST, h)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void of_refusesEachBadPartOnItsOwn() {
    assertThatThrownBy(() -> CanonicalRequest.of("/", "h", DIGEST, required())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CanonicalRequest.of("/p.S/M x", "h", DIGEST, required())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CanonicalRequest.of("/p.S/M", "h\u00e9", DIGEST, required())).isInstanceOf(IllegalArgumentException.class);
    Map<String, String> h = required();
    h.put("x-ca-content-sha256", DIGEST.substring(1));
    assertThatThrownBy(() -> CanonicalRequest.of("/p.S/M", "h", DIGEST.substring(1), h)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void accessors_giveWhatWasSigned() {
    CanonicalRequest c = CanonicalRequest.of("/p.S/M", "H:1", DIGEST, required());
    assertThat(c.path()).isEqualTo("/p.S/M");
    assertThat(c.authority()).isEqualTo("h:1");
    assertThat(c.contentSha256Hex()).isEqualTo(DIGEST);
    assertThat(c.signedHeaders()).containsEntry("x-ca-key", "AK1").hasSize(4);
  }

  @Test
  void aValueOf512Characters_isSignable_513IsNot() {
    assertThat(XcaHeaders.isValidValue("v".repeat(512))).isTrue();
    assertThat(XcaHeaders.isValidValue("v".repeat(513))).isFalse();
    assertThat(XcaHeaders.isValidValue("v ")).isFalse();
    // The printable range ends at '~' (0x7E) inclusive; DEL (0x7F) is a control character.
    assertThat(XcaHeaders.isValidValue("a~b")).isTrue();
    assertThat(XcaHeaders.isValidValue("a\u007fb")).isFalse();
  }

  @Test
  void of_takesASignedNameListOf512Characters_andRefuses513() {
    Map<String, String> fits = required();
    for (String name : XcaSignerTest.extraNamesForAListOf(512)) {
      fits.put(name, "v");
    }
    assertThat(CanonicalRequest.of("/p.S/M", "h", DIGEST, fits).signatureHeaders()).hasSize(512);

    Map<String, String> tooLong = required();
    for (String name : XcaSignerTest.extraNamesForAListOf(513)) {
      tooLong.put(name, "v");
    }
    assertThatThrownBy(() -> CanonicalRequest.of("/p.S/M", "h", DIGEST, tooLong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x-ca-signature-headers would be 513 characters");
  }

  @Test
  void signatureHeadersLength_countsTheNamesAndOneCommaBetweenEachTwo() {
    assertThat(XcaHeaders.signatureHeadersLength(java.util.List.of("x-ca-key"))).isEqualTo(8);
    assertThat(XcaHeaders.signatureHeadersLength(java.util.List.of("x-ca-key", "x-ca-nonce"))).isEqualTo(19);
  }
}
