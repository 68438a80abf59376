package io.keygate.gateway.node;

/**
 * A node setting that is missing or malformed. The message names the variable and what is wrong
 * with it, never its value (a value may be a secret or a path an operator mistyped into the
 * wrong variable); GatewayMain prints it and exits 2. A setting that came from a config file is
 * named as written there, with the file and line ({@link SettingsSource#locate}).
 */
public final class SettingsException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String variable;
  private final String problem;

  public SettingsException(String variable, String problem) {
    this(variable, problem, variable + ": " + problem + " (see docs/operations.md)");
  }

  private SettingsException(String variable, String problem, String message) {
    super(message);
    this.variable = variable;
    this.problem = problem;
  }

  /** The same problem, told as it stands in a config file: {@code FILE[:LINE]: key (VARIABLE)}. */
  SettingsException at(String where, String key) {
    return new SettingsException(variable, problem,
        where + ": " + key + " (" + variable + "): " + problem + " (see docs/operations.md)");
  }

  /** The same problem at a place in a config file that names no setting: {@code FILE:LINE}. */
  SettingsException at(String where) {
    return new SettingsException(variable, problem,
        where + ": " + problem + " (see docs/operations.md)");
  }

  /** The variable at fault, e.g. {@code KEYGATE_LISTEN}. */
  public String variable() {
    return variable;
  }

  /** What is wrong with it, without naming it. */
  public String problem() {
    return problem;
  }
}
