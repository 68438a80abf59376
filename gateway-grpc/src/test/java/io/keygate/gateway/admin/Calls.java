package io.keygate.gateway.admin;

import io.keygate.gateway.admin.api.AdminError;
import io.keygate.gateway.admin.api.AdminErrors;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** How an admin call ended, reduced to what a caller may rely on: status, code, fixed message. */
final class Calls {
  private Calls() {}

  /** A refusal: the status, the stable error code and the fixed message of that code. */
  record Refusal(Status.Code status, String code, String message) {}

  static Refusal refusal(Status.Code status, String code) {
    for (AdminError e : AdminError.values()) {
      if (e.code().equals(code)) {
        return new Refusal(status, code, e.message());
      }
    }
    throw new IllegalArgumentException("no AdminError with code " + code);
  }

  /** Runs a call that must fail and returns how; fails the test if it succeeds. */
  static Refusal status(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      String code = e.getTrailers() == null ? null : e.getTrailers().get(AdminErrors.ERROR_CODE);
      return new Refusal(e.getStatus().getCode(), code, e.getStatus().getDescription());
    }
    throw new AssertionError("the call succeeded but should have been refused");
  }
}
