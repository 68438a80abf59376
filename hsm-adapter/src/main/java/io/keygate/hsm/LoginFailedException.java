package io.keygate.hsm;

/** The token refused the PIN (wrong, locked or not initialised). */
public final class LoginFailedException extends HsmException {
  private static final long serialVersionUID = 1L;

  public LoginFailedException(String message, String pkcs11Error, Throwable cause) {
    super(message, pkcs11Error, cause);
  }

  public LoginFailedException(String message) {
    super(message, null, null);
  }
}
