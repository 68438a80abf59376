package io.keygate.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code keygate} command of the distribution (bin/keygate): one class per verb, this one only
 * names them. Exit codes follow the node's (docs/operations.md, "Supervision"): 2 for a usage or
 * configuration error, 1 when something could not be done.
 */
@Command(
    name = "keygate",
    mixinStandardHelpOptions = true,
    versionProvider = LauncherVersion.class,
    description = {
      "Keygate, an API gateway for multi-tenant gRPC APIs whose secrets all live in a PKCS#11 HSM.",
      "Start here: 'keygate init DIR' makes a token, keys, certificates and a config file;"
          + " 'keygate serve --config DIR/keygate.conf' runs a node from it."
    },
    subcommands = {InitCommand.class, ServeCommand.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "143:serve: stopped by SIGTERM after draining (128 + 15, as for any JVM)",
      "1:could not do it (serve: the node could not start: token, database, port)",
      "2:usage or configuration error (names the option, setting or line)",
      "3:serve: the HSM token stayed unavailable; restart the node"
    })
public final class Keygate {
  /** picocli's own status for a usage error is 2, like ours; kept explicit here. */
  static final int USAGE = 2;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine line = new CommandLine(new Keygate());
    line.setParameterExceptionHandler(
        (e, argv) -> {
          e.getCommandLine().getErr().println("keygate: " + e.getMessage());
          e.getCommandLine().getErr().println("Try 'keygate --help'.");
          return USAGE;
        });
    return line;
  }
}
