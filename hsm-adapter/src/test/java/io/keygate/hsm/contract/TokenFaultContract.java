package io.keygate.hsm.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmHealth;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.SecretBytes;
import io.keygate.hsm.TokenUnavailableException;
import io.keygate.hsm.testing.LibraryBehaviour.StorageLoss;
import io.keygate.hsm.testing.TokenFactory;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The token's storage vanishes under a running process. What then holds is a property of the
 * library, stated per library ({@link StorageLoss}): SoftHSM2 fails every operation closed and
 * reports DOWN; NSS keeps answering from the files it holds open. Either way: no hang, and never
 * a wrong answer.
 */
public abstract class TokenFaultContract {
  private static final byte[] DATA = {1, 2, 3};

  protected abstract TokenFactory tokens();

  @Test
  void tokenFilesVanishing_behavesAsThisLibraryIsKnownTo() throws Exception {
    HsmToken token = tokens().open();
    KeyLabel hmac = KeyLabel.of("ak-1");
    KeyLabel aes = KeyLabel.of("aes-1");
    KeyLabel ec = KeyLabel.of("ec-1");
    token.importHmacSecret(hmac, SecretBytes.random(32, new SecureRandom()));
    token.generateAesKey(aes);
    token.generateEcKey(ec, CertificateProfile.localhost("ec", Duration.ofDays(1)));
    byte[] goodMac = token.mac(hmac, DATA);
    byte[] sealed = token.encrypt(aes, DATA, null);
    assertThat(token.probe().isUp()).isTrue();

    tokens().loseStorage();

    StorageLoss expected = tokens().behaviour().storageLoss();
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          if (expected == StorageLoss.FAILS_CLOSED) {
            assertFailsClosed(() -> { token.verifyMac(hmac, DATA, goodMac); return null; });
            assertFailsClosed(() -> token.mac(hmac, DATA));
            assertFailsClosed(() -> token.encrypt(aes, DATA, null));
            assertFailsClosed(() -> token.sign(ec, DATA));
            HsmHealth health = token.probe();
            assertThat(health.status()).isEqualTo(HsmHealth.Status.DOWN);
            assertThat(token.health().isUp()).isFalse();
          } else {
            // Still the same keys, still right answers: the library has not noticed the loss.
            assertThat(token.mac(hmac, DATA)).isEqualTo(goodMac);
            token.verifyMac(hmac, DATA, goodMac);
            assertThat(token.decrypt(sealed, null, Set.of(aes))).isEqualTo(DATA);
            Signature v = Signature.getInstance("SHA256withECDSA", "SunEC");
            v.initVerify(token.publicKey(ec));
            v.update(DATA);
            assertThat(v.verify(token.sign(ec, DATA))).isTrue();
            assertThat(token.probe().isUp())
                .as(tokens().libraryName() + ": the canary cannot see this loss")
                .isTrue();
          }
        });
    token.close();
  }

  /** The token is reported unavailable: no wrong answer, no hang. */
  private static void assertFailsClosed(HsmCall call) {
    assertThatThrownBy(call::run).isInstanceOf(TokenUnavailableException.class);
  }

  @FunctionalInterface
  private interface HsmCall {
    Object run() throws Exception;
  }
}
