package io.keygate.launcher;

import io.keygate.gateway.node.GatewayMain;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keygate serve}: runs one gateway node in this process until SIGTERM. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Runs one gateway node until SIGTERM (then it drains its open calls and exits).",
      "Settings come from the config file, one 'key = value' a line: the KEYGATE_* variables in"
          + " lower case without the prefix (listen = 0.0.0.0:8443). A KEYGATE_* variable set in"
          + " the environment overrides its line. Without --config, the environment alone.",
      "Every setting, and a full example: docs/operations.md, 'A node from a config file'.",
      "It prints 'keygate: serving calls on port N' once it serves."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:stopped by SIGTERM after draining",
      "1:the node could not start (token, database, port)",
      "2:configuration error: names the file, line and setting (or the variable)",
      "3:the HSM token stayed unavailable (hsm_exit_after): restart the node"
    })
final class ServeCommand implements Callable<Integer> {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "the node's config file (keygate init writes one)")
  Path config;

  @Override
  public Integer call() throws Exception {
    // GatewayMain exits the process itself, with the node's exit code.
    if (config != null) {
      GatewayMain.serve(config);
    } else {
      GatewayMain.main(new String[0]);
    }
    return 0;
  }
}
