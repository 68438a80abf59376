package io.keygate.hsm;

/** A key with that label already exists; nothing was overwritten. */
public final class KeyAlreadyExistsException extends HsmException {
  private static final long serialVersionUID = 1L;

  public KeyAlreadyExistsException(String message, String pkcs11Error, Throwable cause) {
    super(message, pkcs11Error, cause);
  }

  public KeyAlreadyExistsException(String message) {
    super(message, null, null);
  }
}
