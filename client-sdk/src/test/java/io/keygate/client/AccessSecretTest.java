package io.keygate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class AccessSecretTest {

  @Test
  void toString_neverShowsTheSecret() {
    byte[] raw = new byte[32];
    java.util.Arrays.fill(raw, (byte) 0x41);
    AccessSecret secret = AccessSecret.copyOf(raw);
    assertThat(secret.toString()).isEqualTo("AccessSecret[<redacted>]").doesNotContain("AAAA", "QUFB");
  }

  @Test
  void equals_isIdentityOnly() {
    byte[] raw = new byte[32];
    assertThat(AccessSecret.copyOf(raw)).isNotEqualTo(AccessSecret.copyOf(raw));
  }

  @Test
  void copyOf_copiesSoTheCallerCanZeroItsArray() {
    byte[] raw = new byte[32];
    raw[0] = 7;
    AccessSecret secret = AccessSecret.copyOf(raw);
    byte[] before = secret.hmacSha256(new byte[] {1});
    java.util.Arrays.fill(raw, (byte) 0);
    assertThat(secret.hmacSha256(new byte[] {1})).isEqualTo(before);
  }

  @Test
  void fromBase64_andCopyOf_giveTheSameHmac() {
    byte[] raw = new byte[40];
    new java.security.SecureRandom().nextBytes(raw);
    assertThat(AccessSecret.fromBase64(Base64.getEncoder().encodeToString(raw)).hmacSha256(new byte[] {9}))
        .isEqualTo(AccessSecret.copyOf(raw).hmacSha256(new byte[] {9}));
  }

  @Test
  void secretsShorterThan32Bytes_areRefused() {
    assertThatThrownBy(() -> AccessSecret.copyOf(new byte[31])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AccessSecret.fromBase64("c2hvcnQ=")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fromBase64_doesNotQuoteBadInputInItsMessage() {
    assertThatThrownBy(() -> AccessSecret.fromBase64("secret-but-not-base64!!"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("secret-but")
        .hasNoCause();
  }

  @Test
  void destroy_makesTheSecretUnusable() {
    AccessSecret secret = AccessSecret.copyOf(new byte[32]);
    secret.destroy();
    assertThatThrownBy(() -> secret.hmacSha256(new byte[1])).isInstanceOf(IllegalStateException.class);
  }
}
