package io.keygate.hsm.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.hsm.CiphertextRejectedException;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmOperationException;
import io.keygate.hsm.KeyNotFoundException;
import io.keygate.hsm.LoginFailedException;
import io.keygate.hsm.TokenUnavailableException;
import java.io.IOException;
import java.security.ProviderException;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;

/** The mapping of provider failures to typed errors, with the shapes SunPKCS11 throws. */
class Pkcs11FailuresTest {

  private static Throwable wrapped(String ckr) {
    // SunPKCS11: ProviderException -> PKCS11Exception whose message is the CKR name.
    return new ProviderException("doFinal() failed", new Exception(ckr));
  }

  @Test
  void ckrName_isFoundAnywhereInTheCauseChain() {
    assertThat(Pkcs11Failures.ckrName(new IOException("load failed", wrapped("CKR_PIN_INCORRECT"))))
        .isEqualTo("CKR_PIN_INCORRECT");
    assertThat(Pkcs11Failures.ckrName(new IllegalStateException("nothing here"))).isNull();
  }

  @Test
  void translate_mapsEachFamilyToItsType() {
    assertType("CKR_PIN_INCORRECT", LoginFailedException.class);
    assertType("CKR_PIN_LOCKED", LoginFailedException.class);
    assertType("CKR_DEVICE_ERROR", TokenUnavailableException.class);
    assertType("CKR_TOKEN_NOT_PRESENT", TokenUnavailableException.class);
    assertType("CKR_GENERAL_ERROR", TokenUnavailableException.class);
    assertType("CKR_SESSION_HANDLE_INVALID", TokenUnavailableException.class);
    assertType("CKR_OBJECT_HANDLE_INVALID", KeyNotFoundException.class);
    assertType("CKR_KEY_HANDLE_INVALID", KeyNotFoundException.class);
    assertType("CKR_ENCRYPTED_DATA_INVALID", CiphertextRejectedException.class);
    assertType("CKR_MECHANISM_INVALID", HsmOperationException.class);
  }

  @Test
  void translate_keepsTheCkrName_andSaysWhatFailed() {
    HsmException e = Pkcs11Failures.translate("mac ak-1", wrapped("CKR_DEVICE_ERROR"));
    assertThat(e.pkcs11Error()).contains("CKR_DEVICE_ERROR");
    assertThat(e.getMessage()).isEqualTo("mac ak-1: token unavailable (CKR_DEVICE_ERROR)");
  }

  @Test
  void translate_recognisesBadTagsAndRemovedTokens() {
    assertThat(Pkcs11Failures.translate("decrypt", new AEADBadTagException("Tag mismatch")))
        .isInstanceOf(CiphertextRejectedException.class);
    assertThat(Pkcs11Failures.translate("mac", new ProviderException("Token has been removed")))
        .isInstanceOf(TokenUnavailableException.class);
  }

  @Test
  void isHandleGone_isFalseForErrorsWithoutACkrName_ratherThanThrowing() {
    assertThat(Pkcs11Failures.isHandleGone(new IllegalStateException("no CKR here"))).isFalse();
    assertThat(Pkcs11Failures.isHandleGone(wrapped("CKR_MECHANISM_INVALID"))).isFalse();
    assertThat(Pkcs11Failures.isHandleGone(wrapped("CKR_OBJECT_HANDLE_INVALID"))).isTrue();
    assertThat(Pkcs11Failures.isHandleGone(wrapped("CKR_KEY_HANDLE_INVALID"))).isTrue();
  }

  private static void assertType(String ckr, Class<? extends HsmException> type) {
    assertThat(Pkcs11Failures.translate("op", wrapped(ckr))).as(ckr).isInstanceOf(type);
  }
}
