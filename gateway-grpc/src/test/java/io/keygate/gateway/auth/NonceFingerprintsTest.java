package io.keygate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class NonceFingerprintsTest {
  // The reference key 00 01 .. 0f of the SipHash paper, as two little-endian words.
  private static final long K0 = 0x0706050403020100L;
  private static final long K1 = 0x0f0e0d0c0b0a0908L;

  private static byte[] counting(int n) {
    byte[] bytes = new byte[n];
    for (int i = 0; i < n; i++) {
      bytes[i] = (byte) i;
    }
    return bytes;
  }

  @Test
  void sipHash24_matchesTheReferenceVectors() {
    // vectors.h of the reference implementation (messages 00, 00 01, ...) and the paper's
    // 15-byte example, as little-endian words.
    assertThat(NonceFingerprints.sipHash24(K0, K1, counting(0), 0)).isEqualTo(0x726fdb47dd0e0e31L);
    assertThat(NonceFingerprints.sipHash24(K0, K1, counting(1), 1)).isEqualTo(0x74f839c593dc67fdL);
    assertThat(NonceFingerprints.sipHash24(K0, K1, counting(2), 2)).isEqualTo(0x0d6c8009d9a94f5aL);
    assertThat(NonceFingerprints.sipHash24(K0, K1, counting(15), 15)).isEqualTo(0xa129ca6149be45e5L);
  }

  @Test
  void sipHash24_readsOnlyTheGivenLength() {
    byte[] longer = counting(40);
    assertThat(NonceFingerprints.sipHash24(K0, K1, longer, 15)).isEqualTo(0xa129ca6149be45e5L);
  }

  @Test
  void theEncoding_isInjective_soMovingCharactersBetweenKeyAndNonceChangesTheFingerprint() {
    NonceFingerprints f = new NonceFingerprints(1, 2, 3, 4);
    long[] a = new long[2];
    long[] b = new long[2];
    f.of("AKX", "nonce-0000000000001", a);
    f.of("AK", "Xnonce-0000000000001", b);
    assertThat(a).isNotEqualTo(b);
    f.of("AKX", "nonce-0000000000001", b);
    assertThat(a).isEqualTo(b);
  }

  @Test
  void twoProcesses_fingerprintThePairDifferently_soNoOutsiderCanAimACollision() {
    long[] a = new long[2];
    long[] b = new long[2];
    new NonceFingerprints(new SecureRandom()).of("AK1", "nonce-0000000000001", a);
    new NonceFingerprints(new SecureRandom()).of("AK1", "nonce-0000000000001", b);
    assertThat(a).isNotEqualTo(b);
  }

  // The encoding as the class documents it, built here byte by byte: a 300-character AccessKey
  // (its length needs a second byte) and a character outside Latin-1 (its code unit too).
  @Test
  void theFingerprint_isSipHashOfTheDocumentedEncoding_underEachKeyPair() {
    String accessKey = "K".repeat(299) + "\u03a9";
    String nonce = "n\u03a9";
    byte[] expected = new byte[4 + 2 * 300 + 2 * 2];
    expected[0] = (byte) 0x2c; // 300 = 0x012c, little-endian
    expected[1] = (byte) 0x01;
    for (int i = 0; i < 299; i++) {
      expected[4 + 2 * i] = 'K';
    }
    expected[4 + 2 * 299] = (byte) 0xa9;
    expected[4 + 2 * 299 + 1] = (byte) 0x03;
    expected[604] = 'n';
    expected[606] = (byte) 0xa9;
    expected[607] = (byte) 0x03;
    assertThat(NonceFingerprints.encoded(accessKey, nonce)).isEqualTo(expected);

    long[] out = new long[2];
    new NonceFingerprints(K0, K1, K1, K0).of(accessKey, nonce, out);
    assertThat(out[0]).isEqualTo(NonceFingerprints.sipHash24(K0, K1, expected, expected.length));
    assertThat(out[1]).isEqualTo(NonceFingerprints.sipHash24(K1, K0, expected, expected.length));
  }

  @Test
  void toString_namesTheClass_andShowsNoKey() {
    assertThat(new NonceFingerprints(0x1122334455667788L, 2, 3, 4).toString())
        .startsWith("NonceFingerprints[")
        .doesNotContain("1122334455667788")
        .doesNotContain(Long.toString(0x1122334455667788L));
  }
}
