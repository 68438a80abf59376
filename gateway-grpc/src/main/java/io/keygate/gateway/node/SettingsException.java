package io.keygate.gateway.node;

/**
 * A node setting that is missing or malformed. The message names the variable and what is wrong
 * with it, never its value (a value may be a secret or a path an operator mistyped into the
 * wrong variable); GatewayMain prints it and exits 2.
 */
public final class SettingsException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String variable;

  public SettingsException(String variable, String problem) {
    super(variable + ": " + problem + " (see docs/operations.md)");
    this.variable = variable;
  }

  /** The variable at fault, e.g. {@code KEYGATE_LISTEN}. */
  public String variable() {
    return variable;
  }
}
