package io.keygate.hsm;

/** The token cannot be reached, or its storage failed; nothing was computed. Fail closed. */
public final class TokenUnavailableException extends HsmException {
  private static final long serialVersionUID = 1L;

  public TokenUnavailableException(String message, String pkcs11Error, Throwable cause) {
    super(message, pkcs11Error, cause);
  }

  public TokenUnavailableException(String message) {
    super(message, null, null);
  }
}
