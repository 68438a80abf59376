package io.keygate.hsm;

/** Authenticated decryption failed: wrong key, IV, AAD, or tampered data. */
public final class CiphertextRejectedException extends HsmException {
  private static final long serialVersionUID = 1L;

  public CiphertextRejectedException(String message, String pkcs11Error, Throwable cause) {
    super(message, pkcs11Error, cause);
  }

  public CiphertextRejectedException(String message) {
    super(message, null, null);
  }
}
