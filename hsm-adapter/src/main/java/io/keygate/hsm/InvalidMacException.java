package io.keygate.hsm;

/**
 * A MAC was computed and did not match: a verdict on the data, not a failure of the token. It is
 * deliberately not an {@link HsmException}, so a caller that handles token failures does not
 * handle forged requests by accident, and the compiler makes every caller of {@link
 * MacKeys#verifyMac} say what a mismatch means to it.
 */
public final class InvalidMacException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidMacException(KeyLabel label) {
    super("MAC does not verify with key " + label);
  }

  /** For a secret named by what holds it, e.g. a {@link WrappedSecret}'s description. */
  public InvalidMacException(String secret) {
    super("MAC does not verify with " + secret);
  }
}
