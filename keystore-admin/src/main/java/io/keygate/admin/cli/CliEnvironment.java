package io.keygate.admin.cli;

import io.keygate.admin.remote.AdminChannelFactory;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a verb needs from outside the process, built once in {@code KeystoreAdmin.main} and
 * replaced in tests: environment variables (PINs may come from one), the PIN prompt, time,
 * randomness, how tokens are opened and how the admin server is reached.
 *
 * @param softhsmConfigDir where softhsm-config/create-token.sh lives, when known
 */
public record CliEnvironment(
    Map<String, String> variables,
    PinPrompt pinPrompt,
    Clock clock,
    SecureRandom random,
    TokenOpener tokens,
    AdminChannelFactory adminChannels,
    Optional<Path> softhsmConfigDir) {

  public CliEnvironment {
    variables = Map.copyOf(variables);
  }

  public Optional<String> variable(String name) {
    String value = variables.get(name);
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  public CliEnvironment withVariables(Map<String, String> replacement) {
    return new CliEnvironment(
        replacement, pinPrompt, clock, random, tokens, adminChannels, softhsmConfigDir);
  }

  public CliEnvironment withPinPrompt(PinPrompt replacement) {
    return new CliEnvironment(
        variables, replacement, clock, random, tokens, adminChannels, softhsmConfigDir);
  }

  public CliEnvironment withAdminChannels(AdminChannelFactory replacement) {
    return new CliEnvironment(
        variables, pinPrompt, clock, random, tokens, replacement, softhsmConfigDir);
  }

  @Override
  public String toString() {
    // Variables may hold a PIN (--pin-env): never print them.
    return "CliEnvironment[" + variables.size() + " variables, " + clock + "]";
  }
}
