package io.keygate.hsm;

/** The token could not carry out an operation for a reason other than the above. */
public final class HsmOperationException extends HsmException {
  private static final long serialVersionUID = 1L;

  public HsmOperationException(String message, String pkcs11Error, Throwable cause) {
    super(message, pkcs11Error, cause);
  }

  public HsmOperationException(String message) {
    super(message, null, null);
  }
}
