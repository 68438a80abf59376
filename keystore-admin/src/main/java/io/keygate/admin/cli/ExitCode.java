package io.keygate.admin.cli;

/**
 * The exit codes of keystore-admin: a stable contract for scripts, documented in
 * docs/keystore-admin.md and in {@code --help}. Only {@link ExitCodeMapper} chooses one.
 */
public enum ExitCode {
  OK(0, "success"),
  FAILED(1, "the operation failed"),
  USAGE(2, "usage error: bad or missing arguments, unreadable input file"),
  HSM_UNAVAILABLE(3, "HSM unavailable or login refused (wrong PIN, token missing)"),
  PERMISSION_DENIED(4, "permission denied (by the admin server, a safety rule or the file system)"),
  NOT_FOUND_OR_CONFLICT(5, "not found, or already exists / conflicts"),
  SERVER_UNAVAILABLE(6, "admin server unreachable or not serving");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  public int code() {
    return code;
  }

  public String meaning() {
    return meaning;
  }
}
