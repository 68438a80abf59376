package io.keygate.hsm.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_GENERIC_SECRET;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_GENERIC_SECRET_KEY_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA256_HMAC;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_KEY_HANDLE_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_OBJECT_HANDLE_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_SIGNATURE_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_SIGNATURE_LEN_RANGE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKU_USER;

import io.keygate.hsm.pkcs11.TokenProbes.Login;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.Mechanism;

/**
 * The two bindings an HMAC check can take (the JDK's, the wrapper's) give the same answers on a
 * real SoftHSM2 token, on the same session and key; and the JVM this test runs in (started with
 * the export, as bin/keygate-jvm-options starts a node) takes the JDK's.
 */
class SoftHsm2MacCheckTest {
  @RegisterExtension static final SoftHsmTokens TOKENS = new SoftHsmTokens("mac-check");

  private static final byte[] DATA =
      "POST\n/demo.Echo/Say\nx-ca-key:AK1".getBytes(StandardCharsets.UTF_8);

  private static Login login;
  private static long key;
  private static byte[] mac;

  @BeforeAll
  static void keyMadeInTheToken() throws Exception {
    login = Login.as(TOKENS, CKU_USER);
    key = login.session.generateKey(new Mechanism(CKM_GENERIC_SECRET_KEY_GEN),
        AttributeVector.newSecretKey(CKK_GENERIC_SECRET).valueLen(32).token(false)
            .sensitive(true).extractable(false).sign(true).verify(true));
    mac = login.session.signSingle(new Mechanism(CKM_SHA256_HMAC), key, DATA);
  }

  @AfterAll
  static void close() {
    if (login != null) {
      login.close();
    }
  }

  private static List<MacCheck> bindings() throws Exception {
    return List.of(DirectLibrary.open(TOKENS.config()).macCheck(), new WrapperMacCheck());
  }

  @Test
  void thisJvm_exportsTheJdkBinding_soLibrariesAndNodesTakeIt() throws Exception {
    assertThat(DirectLibrary.open(TOKENS.config()).macCheck().name()).isEqualTo("jdk");
    try (DirectWrappedMacs macs = DirectWrappedMacs.open(TOKENS.config(), TOKENS.pin(), 1, 4,
        Clock.systemUTC())) {
      assertThat(macs.macBinding()).isEqualTo("jdk");
    }
  }

  @Test
  void withoutTheBinding_loadAnswersEmpty_andTheWrapperDoesTheJob() {
    assertThat(JdkMacCheck.load("/nonexistent/libnothing.so", "no.such.pkcs11.binding")).isEmpty();
  }

  @Test
  void bothBindings_acceptTheRightMac() throws Exception {
    for (MacCheck check : bindings()) {
      assertThat(check.verify(login.session, key, DATA, mac)).as(check.name()).isZero();
      // the session is free again: a second check runs at once
      assertThat(check.verify(login.session, key, DATA, mac)).as(check.name()).isZero();
    }
  }

  @Test
  void bothBindings_refuseAWrongMac_alteredData_andAShortMac_withTheTokensCode() throws Exception {
    byte[] wrong = mac.clone();
    wrong[0] ^= 1;
    byte[] altered = DATA.clone();
    altered[3] ^= 1;
    for (MacCheck check : bindings()) {
      assertThat(check.verify(login.session, key, DATA, wrong)).as(check.name())
          .isEqualTo(CKR_SIGNATURE_INVALID);
      assertThat(check.verify(login.session, key, altered, mac)).as(check.name())
          .isEqualTo(CKR_SIGNATURE_INVALID);
      assertThat(check.verify(login.session, key, DATA, Arrays.copyOf(mac, 31)))
          .as(check.name()).isIn(CKR_SIGNATURE_LEN_RANGE, CKR_SIGNATURE_INVALID);
      assertThat(check.verify(login.session, key, DATA, mac)).as(check.name()).isZero();
    }
  }

  @Test
  void bothBindings_reportAKeyThatIsGone_soTheCacheCanUnwrapItAgain() throws Exception {
    for (MacCheck check : bindings()) {
      assertThat(check.verify(login.session, 0x7fff_fff0L, DATA, mac)).as(check.name())
          .isIn(CKR_KEY_HANDLE_INVALID, CKR_OBJECT_HANDLE_INVALID);
      assertThat(check.verify(login.session, key, DATA, mac)).as(check.name()).isZero();
    }
  }
}
