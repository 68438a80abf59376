package io.keygate.gateway.admin.api;

import java.util.Objects;

/**
 * A refusal decided by the admin layer itself (a bad field, a credential rule). The caller sees
 * only {@link #error()}'s fixed message; the message here is for the log.
 */
public final class AdminException extends Exception {
  private static final long serialVersionUID = 1L;
  private final AdminError error;

  public AdminException(AdminError error, String logDetail) {
    super(logDetail);
    this.error = Objects.requireNonNull(error, "error");
  }

  public static AdminException invalid(String logDetail) {
    return new AdminException(AdminError.INVALID_ARGUMENT, logDetail);
  }

  public AdminError error() {
    return error;
  }
}
