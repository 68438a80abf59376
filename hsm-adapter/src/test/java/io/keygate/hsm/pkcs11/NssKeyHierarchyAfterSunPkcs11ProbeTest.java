package io.keygate.hsm.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KekId;
import io.keygate.hsm.LoginFailedException;
import io.keygate.hsm.testing.NssTokens;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The other half of {@link NssKeyHierarchyProbeTest}, in a JVM of its own (NSS initialises once
 * per process): as in a node, SunPKCS11 opens NSS first with the config's nssArgs, and the
 * direct path shares the initialised library and the user's login. It opens unchanged; what it
 * then gets is what the other probe shows. The officer's path refuses to run as the user.
 */
class NssKeyHierarchyAfterSunPkcs11ProbeTest {
  @RegisterExtension static final NssTokens TOKENS = new NssTokens("after-sunpkcs11");

  @Test
  void directPath_opensUnchanged_onceSunPkcs11HasInitialisedNss() throws Exception {
    try (HsmToken token = TOKENS.open()) {
      try (DirectWrappedMacs macs =
          DirectWrappedMacs.open(TOKENS.config(), TOKENS.pin(), 2, 10, Clock.systemUTC())) {
        assertThat(macs.health().isUp()).isTrue();
        assertThat(macs.hasKek(KekId.of("k1"))).isFalse();
      }
      // No SO on NSS's key store slot, and the user is logged in: the officer's tool is told
      // "already logged in", asks the session what it may do, and refuses to run as the user.
      assertThatThrownBy(
              () -> DirectKekAdministration.openAsSecurityOfficer(TOKENS.config(), TOKENS.pin()))
          .isInstanceOf(LoginFailedException.class)
          .hasMessageContaining("not as the security officer");

    }
  }
}
