package io.keygate.admin.command;

import io.keygate.admin.cli.AdminException;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.ExitCode;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.Pin;
import io.keygate.hsm.pkcs11.DirectKekAdministration;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Which token, and where its security officer's PIN comes from: a file or an environment
 * variable, never the command line.
 */
public final class SecurityOfficerOptions {
  @Option(
      names = "--hsm-config",
      paramLabel = "FILE",
      description = "SunPKCS11 config of the token; default: $" + TokenOptions.CONFIG_VARIABLE)
  Path hsmConfig;

  @ArgGroup(exclusive = true, multiplicity = "1")
  SoPinSource soPin;

  static final class SoPinSource {
    @Option(
        names = "--so-pin-file",
        paramLabel = "FILE",
        description = "file whose first line is the security officer's PIN (keep it 0600)")
    Path file;

    @Option(
        names = "--so-pin-env",
        paramLabel = "VAR",
        description = "name of the environment variable that holds the security officer's PIN")
    String variable;
  }

  /** Opens the token as its security officer; the caller closes it. */
  DirectKekAdministration open(CliEnvironment env) throws Exception {
    Path config = hsmConfig != null
        ? hsmConfig
        : env.variable(TokenOptions.CONFIG_VARIABLE).map(Path::of).orElseThrow(() ->
            new AdminException(ExitCode.USAGE, "no token given: use --hsm-config FILE or set "
                + TokenOptions.CONFIG_VARIABLE));
    Pin pin;
    if (soPin.file != null) {
      pin = Pin.fromFile(soPin.file);
    } else {
      if (env.variable(soPin.variable).isEmpty()) {
        throw new AdminException(ExitCode.USAGE,
            "environment variable " + soPin.variable + " is not set");
      }
      pin = Pin.fromEnvironment(env.variables(), soPin.variable);
    }
    try {
      return DirectKekAdministration.openAsSecurityOfficer(config, pin);
    } catch (HsmException e) {
      throw new AdminException(ExitCode.HSM_UNAVAILABLE, "cannot open the token as its security"
          + " officer: " + e.getMessage(), e);
    }
  }
}
