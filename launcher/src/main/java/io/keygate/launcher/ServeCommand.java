package io.keygate.launcher;

import io.keygate.gateway.node.GatewayMain;
import io.keygate.gateway.node.SettingsException;
import io.keygate.gateway.node.SettingsSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code keygate serve}: runs one gateway node in this process until SIGTERM. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Runs one gateway node until SIGTERM (then it drains open calls and exits).",
      "The config file has one 'key = value' a line, the keys being the KEYGATE_*",
      "variables in lower case without the prefix (listen = 0.0.0.0:8443).",
      "A KEYGATE_* variable set in the environment overrides its line.",
      "Without --config: the environment alone. Every setting, and an example:",
      "docs/operations.md, 'A node from a config file'. Once it serves, it prints",
      "'keygate: serving calls on port N'."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "143:stopped by SIGTERM after draining (128 + 15: a clean stop)",
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

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Optional<Path> softhsmConf = missingSoftHsmConf();
    if (softhsmConf.isPresent()) {
      spec.commandLine().getErr().println("keygate: SOFTHSM2_CONF is not set, and the token's "
          + softhsmConf.get() + " is next to hsm_config; SoftHSM reads it only from the"
          + " environment the node starts with: export SOFTHSM2_CONF=" + softhsmConf.get());
      return Keygate.USAGE;
    }
    // GatewayMain exits the process itself, with the node's exit code.
    if (config != null) {
      GatewayMain.serve(config);
    } else {
      GatewayMain.main(new String[0]);
    }
    return 0;
  }

  /**
   * A SoftHSM2 token made by keygate init (or create-token.sh) keeps softhsm2.conf next to its
   * SunPKCS11 config; without SOFTHSM2_CONF the node would look in SoftHSM's default directory and
   * fail to start with a token error that does not say why.
   */
  private Optional<Path> missingSoftHsmConf() {
    String current = System.getenv("SOFTHSM2_CONF");
    if (config == null || (current != null && !current.isEmpty())) {
      return Optional.empty();
    }
    try {
      String hsmConfig = SettingsSource.file(config, System.getenv()).values()
          .get("KEYGATE_HSM_CONFIG");
      Path dir = hsmConfig == null ? null : Path.of(hsmConfig).toAbsolutePath().getParent();
      Path conf = dir == null ? null : dir.resolve("softhsm2.conf");
      return conf != null && Files.isRegularFile(conf) ? Optional.of(conf) : Optional.empty();
    } catch (SettingsException | RuntimeException e) {
      return Optional.empty(); // GatewayMain reports a malformed file, naming its line
    }
  }
}
