package io.keygate.admin.command;

import io.keygate.admin.cli.AdminException;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.ExitCode;
import io.keygate.admin.cli.Output;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.Pin;
import io.keygate.hsm.TokenUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Which token to open and where its user PIN comes from: a file, an environment variable or a
 * prompt on the terminal. There is deliberately no option that takes the PIN itself: command lines
 * end up in shell history and in every other user's {@code ps}.
 */
public final class TokenOptions {
  static final String CONFIG_VARIABLE = "KEYGATE_HSM_CONFIG";

  @Option(
      names = "--hsm-config",
      paramLabel = "FILE",
      description =
          "SunPKCS11 config of the token (DIR/LABEL.sunpkcs11.cfg from 'bootstrap token');"
              + " default: $"
              + CONFIG_VARIABLE)
  Path hsmConfig;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  PinSource pinSource;

  static final class PinSource {
    @Option(
        names = "--pin-file",
        paramLabel = "FILE",
        description = "file whose first line is the user PIN (keep it 0600)")
    Path file;

    @Option(
        names = "--pin-env",
        paramLabel = "VAR",
        description = "name of the environment variable that holds the user PIN")
    String variable;
  }

  /** Opens and logs in; the caller closes the token, which zeroes the PIN. */
  public HsmToken open(CliEnvironment env, Output out) throws Exception {
    Path config = config(env);
    Pin pin = pin(env, out);
    try {
      return env.tokens().open(config, pin);
    } catch (TokenUnavailableException e) {
      pin.close();
      throw withSoftHsmHint(e, config, env);
    } catch (Exception e) {
      pin.close();
      throw e;
    }
  }

  private Path config(CliEnvironment env) throws AdminException {
    if (hsmConfig != null) {
      return hsmConfig;
    }
    return env.variable(CONFIG_VARIABLE)
        .map(Path::of)
        .orElseThrow(
            () ->
                new AdminException(
                    ExitCode.USAGE,
                    "no token given: use --hsm-config FILE or set " + CONFIG_VARIABLE));
  }

  private Pin pin(CliEnvironment env, Output out) throws IOException, AdminException {
    if (pinSource != null && pinSource.file != null) {
      warnIfOthersCanRead(pinSource.file, out);
      return Pin.fromFile(pinSource.file);
    }
    if (pinSource != null && pinSource.variable != null) {
      if (env.variable(pinSource.variable).isEmpty()) {
        throw new AdminException(
            ExitCode.USAGE, "environment variable " + pinSource.variable + " is not set");
      }
      return Pin.fromEnvironment(env.variables(), pinSource.variable);
    }
    Optional<char[]> typed = env.pinPrompt().ask("User PIN of the token: ");
    if (typed.isEmpty() || typed.get().length == 0) {
      throw new AdminException(
          ExitCode.USAGE,
          "no PIN: use --pin-file FILE or --pin-env VAR (there is no terminal to ask on)");
    }
    char[] chars = typed.get();
    try {
      return Pin.of(chars);
    } finally {
      Arrays.fill(chars, '\0');
    }
  }

  private static void warnIfOthersCanRead(Path file, Output out) throws IOException {
    try {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
      if (mode.contains(PosixFilePermission.GROUP_READ)
          || mode.contains(PosixFilePermission.OTHERS_READ)) {
        out.warn("PIN file " + file + " is readable by other users; chmod 600 it");
      }
    } catch (UnsupportedOperationException notPosix) {
      // Nothing to check on a file system without POSIX modes.
    }
  }

  /**
   * SoftHSM reads SOFTHSM2_CONF once, when the process starts; a missing variable is the usual
   * reason a freshly created token "does not exist". Say so when the token dir is right there.
   */
  private static Exception withSoftHsmHint(
      TokenUnavailableException e, Path config, CliEnvironment env) {
    Path parent = config.toAbsolutePath().getParent();
    Path softhsmConf = parent == null ? null : parent.resolve("softhsm2.conf");
    if (softhsmConf != null
        && Files.exists(softhsmConf)
        && env.variable("SOFTHSM2_CONF").isEmpty()) {
      return new AdminException(
          ExitCode.HSM_UNAVAILABLE,
          "HSM unavailable: "
              + e.getMessage()
              + "; SOFTHSM2_CONF is not set: export SOFTHSM2_CONF="
              + softhsmConf
              + " and run again",
          e);
    }
    return e;
  }
}
