package io.keygate.admin.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.admin.KeystoreAdmin;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.PinPrompt;
import io.keygate.hsm.pkcs11.Pkcs11TokenOptions;
import io.keygate.hsm.pkcs11.SunPkcs11Token;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;

/**
 * Runs keystore-admin in-process the way a test should: {@code new CommandLine(new
 * KeystoreAdmin(env)).execute(args)} with stdout and stderr captured.
 */
public final class CliRunner {
  private CliRunner() {}

  /** What one run printed and returned. */
  public record Result(int exitCode, String out, String err) {
    /** A person never sees a stack trace, whatever happened. */
    public Result assertNoStackTrace() {
      assertThat(out + err)
          .as("no stack trace in the output")
          .doesNotContain("\tat ")
          .doesNotContain("Exception in thread")
          .doesNotContainPattern("(?m)^\\s+at [a-z]+\\.");
      return this;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /**
   * An environment with real SoftHSM tokens, no terminal, no admin server, and only the variables
   * given (plus SOFTHSM2_CONF, which surefire sets for this JVM).
   */
  public static CliEnvironment environment(Map<String, String> variables) {
    Map<String, String> vars = new HashMap<>(variables);
    String softhsm = System.getenv("SOFTHSM2_CONF");
    if (softhsm != null) {
      vars.putIfAbsent("SOFTHSM2_CONF", softhsm);
    }
    return new CliEnvironment(
        vars,
        PinPrompt.none(),
        Clock.systemUTC(),
        new SecureRandom(),
        (config, pin) -> SunPkcs11Token.open(config, pin, Pkcs11TokenOptions.defaults()),
        endpoint -> {
          throw new IllegalStateException("this test has no admin server");
        },
        Optional.of(SoftHsmTokens.configDir()));
  }

  public static CliEnvironment environment() {
    return environment(Map.of());
  }

  public static Result run(CliEnvironment env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine line = new CommandLine(new KeystoreAdmin(env));
    line.setOut(new PrintWriter(out, true));
    line.setErr(new PrintWriter(err, true));
    int exitCode = line.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }
}
