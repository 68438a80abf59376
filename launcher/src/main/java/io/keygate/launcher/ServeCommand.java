package io.keygate.launcher;

import io.keygate.gateway.node.GatewayMain;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code keygate serve}: runs one gateway node in this process until SIGTERM. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Runs one gateway node, configured by the KEYGATE_* environment variables"
          + " (docs/operations.md, 'Running a gateway node')."
    })
final class ServeCommand implements Callable<Integer> {
  @Override
  public Integer call() throws Exception {
    // GatewayMain exits the process itself, with the node's exit code.
    GatewayMain.main(new String[0]);
    return 0;
  }
}
