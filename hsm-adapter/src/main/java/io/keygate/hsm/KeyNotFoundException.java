package io.keygate.hsm;

/** No key with the asked label exists in the token (or it has another type). */
public final class KeyNotFoundException extends HsmException {
  private static final long serialVersionUID = 1L;

  public KeyNotFoundException(String message, String pkcs11Error, Throwable cause) {
    super(message, pkcs11Error, cause);
  }

  public KeyNotFoundException(String message) {
    super(message, null, null);
  }
}
