package io.keygate.hsm.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.hsm.HsmToken;
import io.keygate.hsm.LoginFailedException;
import io.keygate.hsm.Pin;
import io.keygate.hsm.TokenUnavailableException;
import io.keygate.hsm.pkcs11.Pkcs11TokenOptions;
import io.keygate.hsm.pkcs11.SunPkcs11Token;
import io.keygate.hsm.testing.TokenFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Logging in. The wrong PIN runs first, on a token this process has not logged in to yet: login
 * state belongs to the process, so once the right PIN is in, a wrong one would not even be checked
 * (and some libraries, NSS among them, allow one token per process).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class LoginContract {

  protected abstract TokenFactory tokens();

  @Test
  @Order(1)
  void wrongPin_isLoginFailed_namingCkrPinIncorrect_andNeverThePin() {
    char[] wrong = "wrong-pin-4711".toCharArray();
    assertThatThrownBy(
            () -> SunPkcs11Token.open(tokens().config(), Pin.of(wrong), Pkcs11TokenOptions.defaults()))
        .isInstanceOfSatisfying(
            LoginFailedException.class,
            e -> {
              assertThat(e.pkcs11Error()).contains("CKR_PIN_INCORRECT");
              assertThat(e.getMessage()).contains("CKR_PIN_INCORRECT").doesNotContain("wrong-pin-4711");
            });
  }

  @Test
  @Order(2)
  void rightPin_opensTheToken_andCloseZeroesThePin() throws Exception {
    Pin pin = tokens().pin();
    char[] chars = pin.unsafeChars();
    HsmToken token = SunPkcs11Token.open(tokens().config(), pin, Pkcs11TokenOptions.defaults());
    assertThat(token.health().isUp()).isTrue();
    assertThat(token.probe().isUp()).isTrue();
    token.close();
    assertThat(chars).containsOnly('\0');
  }

  @Test
  @Order(3)
  void missingConfig_isTokenUnavailable() throws Exception {
    Path missing = Files.createTempDirectory("cfg").resolve("nope.cfg");
    assertThatThrownBy(() -> SunPkcs11Token.open(missing, tokens().pin(), Pkcs11TokenOptions.defaults()))
        .isInstanceOf(TokenUnavailableException.class)
        .hasMessageContaining("not readable");
  }

  @Test
  @Order(4)
  void configForASlotThatDoesNotExist_isTokenUnavailable() throws Exception {
    Path cfg = Files.createTempFile("bad-slot", ".cfg");
    String text = Files.readString(tokens().config())
        .replaceAll("(?m)^slot = .*$", "slot = 424242")
        .replaceAll("(?m)^name = .*$", "name = Keygate-bad-slot");
    Files.writeString(cfg, text);
    assertThatThrownBy(() -> SunPkcs11Token.open(cfg, tokens().pin(), Pkcs11TokenOptions.defaults()))
        .isInstanceOf(TokenUnavailableException.class);
  }
}
