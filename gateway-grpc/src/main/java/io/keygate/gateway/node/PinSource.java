package io.keygate.gateway.node;

import io.keygate.hsm.Pin;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the token's user PIN comes from: a file (KEYGATE_HSM_PIN_FILE, preferred) or a variable
 * (KEYGATE_HSM_PIN). Read only when the token is opened, so settings never hold the PIN; prints
 * where it comes from, never the PIN.
 */
public final class PinSource {
  private final Path file;
  private final String variable;
  private final Map<String, String> env;

  private PinSource(Path file, String variable, Map<String, String> env) {
    this.file = file;
    this.variable = variable;
    this.env = env;
  }

  public static PinSource file(Path file) {
    return new PinSource(file, null, Map.of());
  }

  public static PinSource variable(String name, Map<String, String> env) {
    return new PinSource(null, name, Map.copyOf(env));
  }

  /** A fresh copy of the PIN; the caller hands it to the token, which zeroes it on close. */
  public Pin read() throws IOException {
    return file != null ? Pin.fromFile(file) : Pin.fromEnvironment(env, variable);
  }

  @Override
  public String toString() {
    return file != null ? "PIN file " + file : "PIN variable " + variable;
  }
}
