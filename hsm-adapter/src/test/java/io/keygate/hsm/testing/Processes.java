package io.keygate.hsm.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the helper commands token fixtures need (token creation, pkcs11-tool, child JVMs). */
final class Processes {
  private Processes() {}

  static ProcessResult run(List<String> command, Map<String, String> env, String installHint)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run " + command.get(0) + ": " + e.getMessage() + "\n" + installHint, e);
    }
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(command.get(0) + " did not finish");
    }
    return new ProcessResult(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
