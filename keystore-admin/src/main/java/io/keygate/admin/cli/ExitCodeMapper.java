package io.keygate.admin.cli;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.KeyAlreadyExistsException;
import io.keygate.hsm.KeyNotFoundException;
import io.keygate.hsm.LoginFailedException;
import io.keygate.hsm.TokenUnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;

/**
 * The one place that turns a failure into an exit code and a one-line message for a person. No
 * stack trace is ever printed; {@code --verbose} adds the messages of the cause chain. Messages of
 * the exceptions handled here name files, key labels and PKCS#11 return values, never PINs or
 * secrets (the adapter guarantees that for its exceptions; ours are written that way).
 */
public final class ExitCodeMapper {
  static final Metadata.Key<String> ERROR_CODE =
      Metadata.Key.of("x-keygate-error-code", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> REQUEST_ID =
      Metadata.Key.of("x-keygate-request-id", Metadata.ASCII_STRING_MARSHALLER);

  /** What a failure means for the caller. */
  public record Mapped(ExitCode exitCode, String message) {}

  public Mapped map(Throwable t) {
    if (t instanceof AdminException e) {
      return new Mapped(e.exitCode(), e.getMessage());
    }
    if (t instanceof HsmException e) {
      return mapHsm(e);
    }
    if (t instanceof StatusRuntimeException e) {
      return mapStatus(e.getStatus(), e.getTrailers());
    }
    if (t instanceof StatusException e) {
      return mapStatus(e.getStatus(), e.getTrailers());
    }
    if (t instanceof NoSuchFileException e) {
      return new Mapped(ExitCode.USAGE, "no such file: " + e.getFile());
    }
    if (t instanceof FileAlreadyExistsException e) {
      return new Mapped(
          ExitCode.NOT_FOUND_OR_CONFLICT, "file exists, not overwriting it: " + e.getFile());
    }
    if (t instanceof AccessDeniedException e) {
      return new Mapped(ExitCode.PERMISSION_DENIED, "permission denied: " + e.getFile());
    }
    if (t instanceof IOException) {
      return new Mapped(ExitCode.FAILED, "I/O error: " + describe(t));
    }
    if (t instanceof IllegalArgumentException) {
      return new Mapped(ExitCode.USAGE, t.getMessage());
    }
    return new Mapped(ExitCode.FAILED, "unexpected error: " + describe(t));
  }

  /** Prints the one-line message (and with {@code verbose} the causes) and returns the code. */
  public int report(Throwable t, PrintWriter err, boolean verbose) {
    Mapped mapped = map(t);
    err.println("keystore-admin: " + mapped.message());
    if (verbose) {
      for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
        err.println("  caused by: " + describe(c));
      }
    }
    err.flush();
    return mapped.exitCode().code();
  }

  private static Mapped mapHsm(HsmException e) {
    String ckr = e.pkcs11Error().map(n -> " (" + n + ")").orElse("");
    if (e instanceof LoginFailedException) {
      return new Mapped(
          ExitCode.HSM_UNAVAILABLE,
          "the token refused the login" + ckr + ": check the PIN file or variable");
    }
    if (e instanceof TokenUnavailableException) {
      return new Mapped(ExitCode.HSM_UNAVAILABLE, "HSM unavailable: " + e.getMessage());
    }
    if (e instanceof KeyNotFoundException || e instanceof KeyAlreadyExistsException) {
      return new Mapped(ExitCode.NOT_FOUND_OR_CONFLICT, e.getMessage());
    }
    return new Mapped(ExitCode.FAILED, e.getMessage());
  }

  /**
   * The admin API answers with a fixed message, a stable error code and a request id (trailers);
   * the request id finds the audit record and the server's log line, so it is always shown.
   */
  private static Mapped mapStatus(Status status, Metadata trailers) {
    ExitCode code =
        switch (status.getCode()) {
          case INVALID_ARGUMENT, OUT_OF_RANGE -> ExitCode.USAGE;
          case UNAUTHENTICATED, PERMISSION_DENIED -> ExitCode.PERMISSION_DENIED;
          case NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED ->
              ExitCode.NOT_FOUND_OR_CONFLICT;
          case UNAVAILABLE, DEADLINE_EXCEEDED -> ExitCode.SERVER_UNAVAILABLE;
          default -> ExitCode.FAILED;
        };
    String description = status.getDescription();
    String errorCode = trailers == null ? null : trailers.get(ERROR_CODE);
    String requestId = trailers == null ? null : trailers.get(REQUEST_ID);
    return new Mapped(
        code,
        "admin server: "
            + status.getCode()
            + (errorCode == null ? "" : " " + errorCode)
            + (description == null || description.isBlank() ? "" : ": " + description)
            + (requestId == null ? "" : " (request id " + requestId + ")")
            + (errorCode == null && status.getCause() != null
                ? " (" + causeMessage(status) + ")"
                : ""));
  }

  /** Why the transport failed ("Connection refused: /host:port"), when the server did not say. */
  private static String causeMessage(Status status) {
    Throwable cause = status.getCause();
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
