package io.keygate.admin.cli;

/**
 * A failure the CLI detected itself, with the exit code it deserves. Its message is shown to a
 * person as it is, so it must be one clear sentence and never contain a secret.
 */
public final class AdminException extends Exception {
  private static final long serialVersionUID = 1L;
  private final ExitCode exitCode;

  public AdminException(ExitCode exitCode, String message) {
    this(exitCode, message, null);
  }

  public AdminException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }
}
