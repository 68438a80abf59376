package io.keygate.hsm;

/**
 * A wrapped secret did not unwrap under the KEK it names (damaged or forged blob, or a blob made
 * under another token's KEK of the same id). Not a token failure: other secrets still work.
 */
public final class WrappedSecretRejectedException extends HsmException {
  private static final long serialVersionUID = 1L;

  public WrappedSecretRejectedException(String message, String pkcs11Error, Throwable cause) {
    super(message, pkcs11Error, cause);
  }
}
