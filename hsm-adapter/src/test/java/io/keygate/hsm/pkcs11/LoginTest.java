package io.keygate.hsm.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.hsm.LoginFailedException;
import io.keygate.hsm.Pin;
import io.keygate.hsm.TokenUnavailableException;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LoginTest {
  // "locked" is never opened with the right PIN in this JVM: PKCS#11 login state is per process,
  // so a wrong PIN on a slot that is already logged in would not even be checked.
  @RegisterExtension static SoftHsmTokens hsm = new SoftHsmTokens("locked", "open");

  @Test
  void wrongPin_isLoginFailed_namingCkrPinIncorrect_andNeverThePin() throws Exception {
    char[] wrong = "wrong-pin-4711".toCharArray();
    assertThatThrownBy(
            () -> SunPkcs11Token.open(hsm.config("locked"), Pin.of(wrong), Pkcs11TokenOptions.defaults()))
        .isInstanceOfSatisfying(
            LoginFailedException.class,
            e -> {
              assertThat(e.pkcs11Error()).contains("CKR_PIN_INCORRECT");
              assertThat(e.getMessage()).contains("CKR_PIN_INCORRECT").doesNotContain("wrong-pin-4711");
            });
  }

  @Test
  void rightPin_opensTheToken_andCloseZeroesThePin() throws Exception {
    Pin pin = hsm.pin();
    char[] chars = pin.unsafeChars();
    SunPkcs11Token token = SunPkcs11Token.open(hsm.config("open"), pin, Pkcs11TokenOptions.defaults());
    assertThat(token.health().isUp()).isTrue();
    assertThat(token.probe().isUp()).isTrue();
    token.close();
    assertThat(chars).containsOnly('\0');
  }

  @Test
  void missingConfig_isTokenUnavailable() throws Exception {
    Path missing = Files.createTempDirectory("cfg").resolve("nope.cfg");
    assertThatThrownBy(() -> SunPkcs11Token.open(missing, hsm.pin(), Pkcs11TokenOptions.defaults()))
        .isInstanceOf(TokenUnavailableException.class)
        .hasMessageContaining("not readable");
  }

  @Test
  void configForASlotThatDoesNotExist_isTokenUnavailable() throws Exception {
    Path cfg = Files.createTempFile("bad-slot", ".cfg");
    String text = Files.readString(hsm.config("open")).replaceAll("(?m)^slot = .*$", "slot = 424242")
        .replaceAll("(?m)^name = .*$", "name = Keygate-bad-slot");
    Files.writeString(cfg, text);
    assertThatThrownBy(() -> SunPkcs11Token.open(cfg, hsm.pin(), Pkcs11TokenOptions.defaults()))
        .isInstanceOf(TokenUnavailableException.class);
  }
}
