package io.keygate.hsm.pkcs11;

import io.keygate.hsm.CiphertextRejectedException;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmOperationException;
import io.keygate.hsm.KeyNotFoundException;
import io.keygate.hsm.LoginFailedException;
import io.keygate.hsm.TokenUnavailableException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;

/**
 * Turns what SunPKCS11 throws (ProviderException, IOException, LoginException, ... wrapping a
 * PKCS11Exception whose message is the CKR name) into Keygate's typed {@link HsmException}s.
 */
final class Pkcs11Failures {
  private static final Pattern CKR = Pattern.compile("CKR_[A-Z0-9_]+");

  /** Return values that mean the PIN was refused. */
  private static final Set<String> LOGIN =
      Set.of(
          "CKR_PIN_INCORRECT",
          "CKR_PIN_INVALID",
          "CKR_PIN_LEN_RANGE",
          "CKR_PIN_EXPIRED",
          "CKR_PIN_LOCKED",
          "CKR_USER_PIN_NOT_INITIALIZED");

  /** Return values that mean the token, its storage or our session to it is gone or broken. */
  private static final Set<String> TOKEN_DOWN =
      Set.of(
          "CKR_DEVICE_ERROR",
          "CKR_DEVICE_MEMORY",
          "CKR_DEVICE_REMOVED",
          "CKR_TOKEN_NOT_PRESENT",
          "CKR_TOKEN_NOT_RECOGNIZED",
          "CKR_SLOT_ID_INVALID",
          "CKR_GENERAL_ERROR",
          "CKR_FUNCTION_FAILED",
          "CKR_SESSION_CLOSED",
          "CKR_SESSION_HANDLE_INVALID",
          "CKR_CRYPTOKI_NOT_INITIALIZED",
          "CKR_USER_NOT_LOGGED_IN",
          "CKR_HOST_MEMORY");

  /** Return values that mean a key handle we held no longer names an object. */
  private static final Set<String> HANDLE_GONE =
      Set.of("CKR_OBJECT_HANDLE_INVALID", "CKR_KEY_HANDLE_INVALID");

  private Pkcs11Failures() {}

  /** The first CKR name found along the cause chain, or null. */
  static String ckrName(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String message = c.getMessage();
      if (message != null) {
        Matcher m = CKR.matcher(message);
        if (m.find()) {
          return m.group();
        }
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  /**
   * Whether {@code t} says a key handle we cached no longer names an object (another process
   * destroyed or replaced the key), so a fresh lookup may succeed. Errors that carry no CKR name at
   * all (a mechanism the provider lacks, a bad parameter) are not: {@code Set.of(...)} refuses
   * {@code contains(null)}, so the name is checked for null first.
   */
  static boolean isHandleGone(Throwable t) {
    String ckr = ckrName(t);
    return ckr != null && HANDLE_GONE.contains(ckr);
  }

  static boolean isTokenFault(String ckr) {
    return ckr != null && TOKEN_DOWN.contains(ckr);
  }

  /** Maps any throwable from the provider to a typed exception about {@code what}. */
  static HsmException translate(String what, Throwable t) {
    if (t instanceof HsmException) {
      return (HsmException) t;
    }
    String ckr = ckrName(t);
    if (hasCause(t, AEADBadTagException.class)) {
      return new CiphertextRejectedException(what + ": ciphertext rejected", ckr, t);
    }
    if (ckr != null && LOGIN.contains(ckr)) {
      return new LoginFailedException(what + ": login refused", ckr, t);
    }
    if (isTokenFault(ckr) || mentionsRemovedToken(t)) {
      return new TokenUnavailableException(what + ": token unavailable", ckr, t);
    }
    if (ckr != null && HANDLE_GONE.contains(ckr)) {
      return new KeyNotFoundException(what + ": key no longer in the token", ckr, t);
    }
    if ("CKR_ENCRYPTED_DATA_INVALID".equals(ckr) || "CKR_ENCRYPTED_DATA_LEN_RANGE".equals(ckr)) {
      return new CiphertextRejectedException(what + ": ciphertext rejected", ckr, t);
    }
    return new HsmOperationException(what + ": operation failed", ckr, t);
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  /** SunPKCS11 says "Token has been removed" once it has seen the token vanish. */
  private static boolean mentionsRemovedToken(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = c.getMessage();
      if (m != null && m.contains("Token has been removed")) {
        return true;
      }
    }
    return false;
  }
}
