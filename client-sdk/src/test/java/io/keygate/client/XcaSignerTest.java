package io.keygate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The signer's own checks, at their edges: what it refuses to sign and what it sends. */
class XcaSignerTest {
  private static final String PATH = "/p.S/M";
  private static final byte[] DIGEST = new byte[32];
  private static final String NONCE = "nonce-0000000000001";
  private static final long MAX_TIMESTAMP = 9_999_999_999_999_999L;

  private static XcaSigner.Builder builder() {
    return XcaSigner.builder("AK1", AccessSecret.copyOf(new byte[32]));
  }

  // The gateway reads 1-16 digits; a signer that sent 0, a negative or a 17-digit time would be
  // refused with MalformedSignatureHeader, so the SDK refuses to sign it at all.
  @Test
  void signDigest_takesTimestampsFrom1To16Digits_andNothingOutside() {
    XcaSigner signer = builder().build();
    assertThat(signer.signDigest(PATH, "h", DIGEST, 1, NONCE).headers()).containsEntry("x-ca-timestamp", "1");
    assertThat(signer.signDigest(PATH, "h", DIGEST, MAX_TIMESTAMP, NONCE).headers())
        .containsEntry("x-ca-timestamp", "9999999999999999");
    assertThatThrownBy(() -> signer.signDigest(PATH, "h", DIGEST, 0, NONCE)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> signer.signDigest(PATH, "h", DIGEST, MAX_TIMESTAMP + 1, NONCE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void signDigest_refusesADigestThatIsNot32Bytes_andABadNonce() {
    XcaSigner signer = builder().build();
    assertThatThrownBy(() -> signer.signDigest(PATH, "h", new byte[31], 1, NONCE)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> signer.signDigest(PATH, "h", DIGEST, 1, "short")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void extraSignedHeaders_areSentAndListed() {
    XcaSigner signer = builder().signedHeader("x-ca-stage", "RELEASE").build();
    XcaSignature s = signer.signDigest(PATH, "h", DIGEST, 1, NONCE);
    assertThat(s.headers()).containsEntry("x-ca-stage", "RELEASE");
    assertThat(s.headers().get("x-ca-signature-headers")).contains("x-ca-stage");
  }

  // 4 required + 12 extra = the gateway's limit of 16 signed names.
  @Test
  void builder_takes12ExtraHeaders_not13() {
    XcaSigner.Builder b = builder();
    for (int i = 0; i < 12; i++) {
      assertThat(b.signedHeader("x-ca-extra-" + i, "v")).isSameAs(b);
    }
    assertThat(b.build().signDigest(PATH, "h", DIGEST, 1, NONCE).canonicalRequest().signedHeaders()).hasSize(16);
    b.signedHeader("x-ca-extra-12", "v");
    assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sign_usesTheClockAndAFreshNonce_withTheDefaultRandom() {
    Clock clock = Clock.fixed(Instant.ofEpochMilli(1_764_547_200_000L), ZoneOffset.UTC);
    XcaSigner signer = builder().clock(clock).build();
    XcaSignature a = signer.sign(PATH, "h", new byte[0]);
    XcaSignature b = signer.sign(PATH, "h", new byte[0]);

    assertThat(a.headers()).containsEntry("x-ca-timestamp", "1764547200000")
        .containsEntry("x-ca-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(a.headers().get("x-ca-nonce")).hasSize(22).isNotEqualTo(b.headers().get("x-ca-nonce"));
    assertThat(signer.accessKey()).isEqualTo("AK1");
    assertThat(signer.toString()).contains("AK1").doesNotContain(a.headers().get("x-ca-signature"));
  }

  @Test
  void secureRandom_isTheNonceSource() {
    SecureRandom zeros = new SecureRandom() {
      private static final long serialVersionUID = 1L;

      @Override
      public void nextBytes(byte[] bytes) {
        java.util.Arrays.fill(bytes, (byte) 0);
      }
    };
    XcaSigner signer = builder().secureRandom(zeros).build();
    assertThat(signer.signDigest(PATH, "h", DIGEST).headers()).containsEntry("x-ca-nonce", "AAAAAAAAAAAAAAAAAAAAAA");
  }

  // The four required names take 54 characters of the list; these eight extra names bring it to
  // 512 (6 x 64 + 2 x 33 + 12 commas), the most a header value may hold.
  static String[] extraNamesForAListOf(int listLength) {
    String[] names = new String[8];
    for (int i = 0; i < 8; i++) {
      int length = i < 6 ? 64 : 33;
      names[i] = "x-ca-" + (char) ('a' + i) + "n".repeat(length - 6);
    }
    names[7] += "n".repeat(listLength - 512);
    return names;
  }

  @Test
  void builder_takesASignedNameListOf512Characters() {
    XcaSigner.Builder b = builder();
    for (String name : extraNamesForAListOf(512)) {
      b.signedHeader(name, "v");
    }
    XcaSignature signature = b.build().signDigest(PATH, "h", DIGEST, 1, NONCE);
    assertThat(signature.headers().get(XcaHeaders.SIGNATURE_HEADERS)).hasSize(512);
  }

  // The gateway would refuse a 513-character x-ca-signature-headers as malformed: say so at build.
  @Test
  void builder_refusesASignedNameListOf513Characters() {
    XcaSigner.Builder b = builder();
    for (String name : extraNamesForAListOf(513)) {
      b.signedHeader(name, "v");
    }
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("x-ca-signature-headers would be 513 characters, longer than 512: sign fewer or shorter names");
  }
}
