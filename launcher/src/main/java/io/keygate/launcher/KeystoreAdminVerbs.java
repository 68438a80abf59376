package io.keygate.launcher;

import io.keygate.admin.KeystoreAdmin;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.PinPrompt;
import io.keygate.admin.remote.NettyAdminChannels;
import io.keygate.hsm.pkcs11.Pkcs11TokenOptions;
import io.keygate.hsm.pkcs11.SunPkcs11Token;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;

/**
 * keystore-admin's verbs run in this process, as a library: {@code keygate init} does what an
 * officer would type ({@code bootstrap token}, {@code kek generate}, {@code bootstrap tls-key},
 * ...), through the same code, the same checks and the same file modes. Output is kept, not
 * shown: init prints its own summary, and a verb's message only when it fails.
 */
final class KeystoreAdminVerbs {
  private final CliEnvironment environment;

  KeystoreAdminVerbs(Map<String, String> variables, SecureRandom random, Clock clock,
      Optional<Path> softhsmConfigDir) {
    Pkcs11TokenOptions tokenOptions = Pkcs11TokenOptions.defaults().withClock(clock);
    // No prompt: every PIN comes from the files init wrote.
    this.environment = new CliEnvironment(variables, PinPrompt.none(), clock, random,
        (config, pin) -> SunPkcs11Token.open(config, pin, tokenOptions), new NettyAdminChannels(),
        softhsmConfigDir);
  }

  /** A verb failed: its exit code and the one line keystore-admin printed. */
  static final class VerbFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    VerbFailedException(String verb, int status, String message) {
      super("keystore-admin " + verb + " failed (exit " + status + "): " + message.strip());
    }
  }

  /** Runs {@code keystore-admin ARGS}; returns what it printed on stdout. */
  String run(String... args) throws VerbFailedException {
    KeystoreAdmin admin = new KeystoreAdmin(environment);
    CommandLine line = new CommandLine(admin);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    line.setOut(new PrintWriter(out, true));
    line.setErr(new PrintWriter(err, true));
    line.setExecutionExceptionHandler(
        (e, cmd, parsed) -> admin.exitCodes().report(e, cmd.getErr(), false));
    int status = line.execute(args);
    if (status != 0) {
      throw new VerbFailedException(args[0] + " " + args[1], status, err.toString());
    }
    return out.toString();
  }
}
