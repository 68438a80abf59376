package io.keygate.gateway.payload;

/** An encrypted message that is refused; the message is for the log, never for the client. */
public final class PayloadException extends Exception {
  private static final long serialVersionUID = 1L;

  private final PayloadFailure failure;

  public PayloadException(PayloadFailure failure, String detail) {
    super(detail, null, false, false);
    this.failure = failure;
  }

  public PayloadFailure failure() {
    return failure;
  }
}
