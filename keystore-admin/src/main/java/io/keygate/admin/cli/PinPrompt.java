package io.keygate.admin.cli;

import java.io.Console;
import java.util.Optional;

/**
 * Asks a person for a PIN without echo. Injected so tests can answer; the default is the JVM's
 * console, absent when stdin or stdout is not a terminal (then a PIN must come from a file or a
 * variable).
 */
@FunctionalInterface
public interface PinPrompt {
  /** The typed PIN (the caller zeroes it), or empty when there is no terminal to ask on. */
  Optional<char[]> ask(String prompt);

  static PinPrompt console() {
    return prompt -> {
      Console console = System.console();
      if (console == null) {
        return Optional.empty();
      }
      return Optional.ofNullable(console.readPassword("%s", prompt));
    };
  }

  static PinPrompt none() {
    return prompt -> Optional.empty();
  }
}
