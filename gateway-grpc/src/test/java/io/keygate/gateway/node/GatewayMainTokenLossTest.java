package io.keygate.gateway.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.hsm.testing.SoftHsmTokens;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node process whose token is lost exits 3, for its supervisor to restart it (SunPKCS11 does
 * not recover in-process); restarted on the token restored, it serves again. Real GatewayMain
 * processes, a real SoftHSM2 token whose files vanish under the running node.
 */
class GatewayMainTokenLossTest {
  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("watchdog");

  @TempDir Path dir;

  @Test
  void aLostToken_makesTheNodeExitThree_andOnTheRestoredTokenItServesAgain() throws Exception {
    Path backup = dir.resolve("token-backup");
    copyTree(tokens.tokenStorage(), backup);

    Process first = start();
    List<String> firstOutput = new ArrayList<>();
    BufferedReader out = reader(first);
    assertThat(awaitServing(out, firstOutput)).as("%s", firstOutput).isTrue();

    tokens.loseStorage();

    // The health probe (every 5 s) finds the token gone; 1 s later the watchdog gives up.
    assertThat(first.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
    out.lines().forEach(firstOutput::add);
    assertThat(first.exitValue()).as("%s", firstOutput).isEqualTo(GatewayMain.TOKEN_LOST);
    assertThat(String.join("\n", firstOutput))
        .contains("keygate: the HSM token has been unavailable for PT1S; exiting 3")
        .doesNotContain(Files.readString(tokens.pinFile()).trim());

    copyTree(backup, tokens.tokenStorage());
    Process second = start();
    try {
      List<String> secondOutput = new ArrayList<>();
      assertThat(awaitServing(reader(second), secondOutput)).as("%s", secondOutput).isTrue();
    } finally {
      second.destroy();
      second.waitFor(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void underTheSupervisorScript_theNodeIsStartedAgain_andServesOnceTheTokenIsBack()
      throws Exception {
    Path backup = dir.resolve("token-backup");
    copyTree(tokens.tokenStorage(), backup);
    Path supervisor = Path.of(System.getProperty("user.dir")).getParent()
        .resolve("bin").resolve("keygate-supervise");
    Process supervised = start(List.of("bash", supervisor.toString(), "--"));
    List<String> output = new ArrayList<>();
    try {
      BufferedReader out = reader(supervised);
      assertThat(awaitServing(out, output)).as("%s", output).isTrue();
      List<ProcessHandle> firstNode = supervised.descendants().toList();

      tokens.loseStorage();
      assertThat(awaitLine(out, output, "keygate-supervise: node exited 3; starting it again"))
          .as("%s", output).isTrue();
      assertThat(firstNode).noneMatch(ProcessHandle::isAlive);
      copyTree(backup, tokens.tokenStorage());

      // Started again (after a failed start or two while the token was gone): serves.
      assertThat(awaitServing(out, output)).as("%s", output).isTrue();
    } finally {
      List<ProcessHandle> nodes = supervised.descendants().toList();
      supervised.destroy(); // SIGTERM: passed on to the node, which stops cleanly
      assertThat(supervised.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(nodes).noneMatch(ProcessHandle::isAlive);
    }
  }

  private Process start() throws Exception {
    return start(List.of());
  }

  private Process start(List<String> prefix) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(java.toString(), "-Xmx256m",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
        System.getProperty("java.class.path"), GatewayMain.class.getName()));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = new HashMap<>(tokens.childEnvironment());
    env.put("PATH", System.getenv("PATH"));
    env.put("KEYGATE_HSM_CONFIG", tokens.config("watchdog").toString());
    env.put("KEYGATE_HSM_PIN_FILE", tokens.pinFile().toString());
    env.put("KEYGATE_PLAINTEXT_DEV", "true");
    env.put("KEYGATE_LISTEN", "127.0.0.1:0");
    env.put("KEYGATE_DATA_DIR", dir.resolve("data").toString());
    env.put("KEYGATE_HSM_EXIT_AFTER", "PT1S");
    builder.environment().clear();
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    return builder.start();
  }

  private static BufferedReader reader(Process p) {
    return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
  }

  /** Reads the node's output until it says it serves (true) or ends (false). */
  private static boolean awaitServing(BufferedReader out, List<String> seen) throws Exception {
    return awaitLine(out, seen, "keygate: serving calls on port ");
  }

  /** Reads the output until a line starts with {@code start} (true) or it ends (false). */
  private static boolean awaitLine(BufferedReader out, List<String> seen, String start)
      throws Exception {
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      seen.add(line);
      if (line.startsWith(start)) {
        return true;
      }
    }
    return false;
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
