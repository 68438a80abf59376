package io.keygate.gateway.auth;

/**
 * Why parsing refused a request, used inside this package to leave the parser at the first
 * problem. No stack trace: it is a verdict on client input, not a bug, and it is cheap.
 */
final class Rejection extends Exception {
  private static final long serialVersionUID = 1L;
  private final AuthFailure failure;

  Rejection(AuthFailure failure, String logDetail) {
    super(logDetail, null, false, false);
    this.failure = failure;
  }

  AuthFailure failure() {
    return failure;
  }

  String logDetail() {
    return getMessage();
  }

  AuthResult.Rejected toResult() {
    return new AuthResult.Rejected(failure, getMessage());
  }
}
