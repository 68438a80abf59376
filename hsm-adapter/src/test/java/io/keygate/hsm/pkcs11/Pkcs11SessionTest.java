package io.keygate.hsm.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.hsm.HsmOperationException;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.KeyType;
import io.keygate.hsm.SecretBytes;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.security.NoSuchAlgorithmException;
import java.security.ProviderException;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The session's choke point with failures that carry no CKR name. They once hit {@code
 * Set.of(...).contains(null)} in the handle-gone check and surfaced as a NullPointerException
 * inside "operation failed", hiding the real cause.
 */
class Pkcs11SessionTest {
  @RegisterExtension static SoftHsmTokens hsm = new SoftHsmTokens("session");
  private static final KeyLabel KEY = KeyLabel.of("ak-session");
  private static Pkcs11Session session;

  @BeforeAll
  static void open() throws Exception {
    session = Pkcs11Session.open(hsm.config("session"), hsm.pin(), Pkcs11TokenOptions.defaults());
    new Pkcs11KeyAdministration(session, new Pkcs11Signer(session), null)
        .importHmacSecret(KEY, SecretBytes.random(32, new SecureRandom()));
  }

  @AfterAll
  static void close() {
    session.close();
  }

  @Test
  void withKey_anErrorWithoutACkrName_isOperationFailedCarryingTheRealCause() {
    NoSuchAlgorithmException unsupported = new NoSuchAlgorithmException("no such mechanism here");
    assertThatThrownBy(
            () -> session.call("mac", KEY,
                () -> session.withKey(KEY, KeyType.HMAC_SECRET, k -> { throw unsupported; })))
        .isInstanceOf(HsmOperationException.class)
        .hasMessageContaining("mac ak-session: operation failed")
        .hasCause(unsupported)
        .satisfies(e -> assertThat(((HsmOperationException) e).pkcs11Error()).isEmpty());
    assertThat(session.health().isUp()).as("not a token fault").isTrue();
  }

  @Test
  void withKey_aProviderErrorWithoutACkrName_keepsItsCause() {
    ProviderException bare = new ProviderException("Could not initialize");
    assertThatThrownBy(
            () -> session.call("sign", KEY,
                () -> session.withKey(KEY, KeyType.HMAC_SECRET, k -> { throw bare; })))
        .isInstanceOf(HsmOperationException.class)
        .hasCause(bare);
  }

  @Test
  void withKey_aGoneHandle_isRetriedOnceWithAFreshOne() throws Exception {
    int[] attempts = {0};
    byte[] mac =
        session.call("mac", KEY,
            () -> session.withKey(KEY, KeyType.HMAC_SECRET, k -> {
              if (attempts[0]++ == 0) {
                throw new ProviderException("update() failed",
                    new Exception("CKR_KEY_HANDLE_INVALID"));
              }
              return session.hmac(k, new byte[] {1});
            }));
    assertThat(attempts[0]).isEqualTo(2);
    assertThat(mac).hasSize(32);
  }

  @Test
  void probe_costsOneCanaryCall_rereadsNoKeyList_andKeepsTheHandlesInUse() throws Exception {
    // A used key's handle is cached.
    session.call("mac", KEY, () -> session.withKey(KEY, KeyType.HMAC_SECRET,
        k -> session.hmac(k, new byte[] {1})));
    long before = session.keys().refreshes();
    java.security.Key handle = session.keys().find(KEY);

    for (int i = 0; i < 5; i++) {
      assertThat(session.probe().isUp()).isTrue();
    }

    // Before: every probe re-read the whole token (O(keys)) and dropped every cached handle.
    assertThat(session.keys().refreshes()).isEqualTo(before);
    assertThat(session.keys().find(KEY)).isSameAs(handle);
  }
}
