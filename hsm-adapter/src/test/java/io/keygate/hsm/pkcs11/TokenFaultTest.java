package io.keygate.hsm.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmHealth;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.SecretBytes;
import io.keygate.hsm.TokenUnavailableException;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * When the token's storage vanishes under a running process, every operation fails promptly with
 * "token unavailable" and the health status says DOWN: nothing is ever answered from a dead token.
 */
class TokenFaultTest {
  @RegisterExtension static SoftHsmTokens hsm = new SoftHsmTokens("doomed");

  @Test
  void tokenFilesVanishing_failsEveryOperationClosed_andReportsDown() throws Exception {
    SunPkcs11Token token = hsm.open("doomed");
    KeyLabel hmac = KeyLabel.of("ak-1");
    KeyLabel aes = KeyLabel.of("aes-1");
    KeyLabel ec = KeyLabel.of("ec-1");
    token.importHmacSecret(hmac, SecretBytes.random(32, new SecureRandom()));
    token.generateAesKey(aes);
    token.generateEcKey(ec, CertificateProfile.localhost("ec", Duration.ofDays(1)));
    byte[] data = {1, 2, 3};
    byte[] goodMac = token.mac(hmac, data);
    assertThat(token.probe().isUp()).isTrue();

    deleteTokenStorage(hsm.tokenStorage());

    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          assertFailsClosed(() -> token.verifyMac(hmac, data, goodMac));
          assertFailsClosed(() -> token.mac(hmac, data));
          assertFailsClosed(() -> token.encrypt(aes, new byte[12], null, data));
          assertFailsClosed(() -> token.sign(ec, data));
          HsmHealth health = token.probe();
          assertThat(health.status()).isEqualTo(HsmHealth.Status.DOWN);
          assertThat(token.health().isUp()).isFalse();
        });
    token.close();
  }

  /** Either the token is reported unavailable, or (never) a result: no wrong answer, no hang. */
  private static void assertFailsClosed(HsmCall call) {
    assertThatThrownBy(call::run).isInstanceOf(TokenUnavailableException.class);
  }

  @FunctionalInterface
  private interface HsmCall {
    Object run() throws HsmException;
  }

  private static void deleteTokenStorage(Path storage) throws Exception {
    try (Stream<Path> walk = Files.walk(storage)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        if (!p.equals(storage)) {
          Files.delete(p);
        }
      }
    }
  }
}
