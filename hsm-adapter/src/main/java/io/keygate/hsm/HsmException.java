package io.keygate.hsm;

import java.util.Optional;

/**
 * A failed HSM operation. Subtypes say what kind of failure it was; {@link #pkcs11Error()} names
 * the PKCS#11 return value ({@code CKR_PIN_INCORRECT}, ...) when the token gave one. Messages name
 * key labels and operations, never key material or PINs.
 */
public abstract class HsmException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String pkcs11Error;

  protected HsmException(String message, String pkcs11Error, Throwable cause) {
    super(pkcs11Error == null ? message : message + " (" + pkcs11Error + ")", cause);
    this.pkcs11Error = pkcs11Error;
  }

  /** The symbolic PKCS#11 error, e.g. {@code CKR_PIN_INCORRECT}, if the token reported one. */
  public Optional<String> pkcs11Error() {
    return Optional.ofNullable(pkcs11Error);
  }
}
