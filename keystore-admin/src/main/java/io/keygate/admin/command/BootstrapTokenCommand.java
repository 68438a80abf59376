package io.keygate.admin.command;

import io.keygate.admin.cli.AdminException;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.ExitCode;
import io.keygate.admin.cli.Output;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "token",
    description = {
      "Creates a SoftHSM2 token (idempotent) with softhsm-config/create-token.sh and prints its"
          + " slot id, its SunPKCS11 config and the SOFTHSM2_CONF to export.",
      "PINs are read from files and handed to softhsm2-util through a pseudo-terminal."
    })
public final class BootstrapTokenCommand extends Verb {
  private static final long SCRIPT_TIMEOUT_SECONDS = 120;

  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "token directory")
  Path dir;

  @Option(names = "--label", required = true, paramLabel = "LABEL", description = "token label")
  String label;

  @Option(
      names = "--so-pin-file",
      paramLabel = "FILE",
      description = "security officer PIN (first line); needed only to create the token")
  Path soPinFile;

  @Option(
      names = "--pin-file",
      paramLabel = "FILE",
      description = "user PIN (first line); needed only to create the token")
  Path pinFile;

  @Option(
      names = "--softhsm-config-dir",
      paramLabel = "DIR",
      description = "directory holding create-token.sh (default: found next to keystore-admin)")
  Path softhsmConfigDir;

  @Option(names = "--library", paramLabel = "FILE", description = "libsofthsm2.so, if not found")
  Path library;

  @Override
  protected void execute(CliEnvironment env, Output out) throws Exception {
    Path script = script(env);
    List<String> command = new ArrayList<>(List.of("bash", script.toString()));
    command.addAll(List.of("--dir", dir.toString(), "--label", label));
    addIfPresent(command, "--so-pin-file", soPinFile);
    addIfPresent(command, "--pin-file", pinFile);
    addIfPresent(command, "--library", library);
    String slot = run(command);
    Path tokenDir = dir.toRealPath();
    Path softhsmConf = tokenDir.resolve("softhsm2.conf");
    Path sunPkcs11Config = tokenDir.resolve(label + ".sunpkcs11.cfg");
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("label", label);
    json.put("slot", Long.parseLong(slot));
    json.put("hsmConfig", sunPkcs11Config.toString());
    json.put("softhsm2Conf", softhsmConf.toString());
    out.result(
        json,
        "Token '"
            + label
            + "' is in slot "
            + slot
            + ".\n"
            + "SunPKCS11 config: "
            + sunPkcs11Config
            + "\n"
            + "  (give it as --hsm-config, or set KEYGATE_HSM_CONFIG, here and for the gateway)\n"
            + "SoftHSM reads SOFTHSM2_CONF once, when a process starts. Before running the gateway"
            + " or\nany other keystore-admin command on this token:\n"
            + "  export SOFTHSM2_CONF="
            + softhsmConf
            + "\n");
  }

  private Path script(CliEnvironment env) throws AdminException {
    Path configDir =
        softhsmConfigDir != null ? softhsmConfigDir : env.softhsmConfigDir().orElse(null);
    if (configDir == null) {
      throw new AdminException(
          ExitCode.USAGE,
          "cannot find softhsm-config/create-token.sh: give --softhsm-config-dir DIR");
    }
    Path script = configDir.resolve("create-token.sh");
    if (!Files.isReadable(script)) {
      throw new AdminException(ExitCode.USAGE, "create-token.sh not found in " + configDir);
    }
    return script;
  }

  private static void addIfPresent(List<String> command, String option, Path value) {
    if (value != null) {
      command.add(option);
      command.add(value.toString());
    }
  }

  /** Runs the script; its stdout's last line is the slot id, its stderr says why it failed. */
  private static String run(List<String> command)
      throws IOException, InterruptedException, AdminException {
    Path errors = Files.createTempFile("create-token", ".err");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectError(errors.toFile())
              .start();
      String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AdminException(ExitCode.FAILED, "create-token.sh did not finish in time");
      }
      int status = process.exitValue();
      if (status != 0) {
        throw new AdminException(scriptExitCode(status), lastLine(Files.readString(errors)));
      }
      String slot = lastLine(stdout);
      if (!slot.matches("\\d+")) {
        throw new AdminException(ExitCode.FAILED, "create-token.sh printed no slot id");
      }
      return slot;
    } finally {
      Files.deleteIfExists(errors);
    }
  }

  /** create-token.sh: 2 usage, 3 SoftHSM not installed, 4 initialisation failed. */
  private static ExitCode scriptExitCode(int status) {
    return switch (status) {
      case 2 -> ExitCode.USAGE;
      case 3 -> ExitCode.HSM_UNAVAILABLE;
      default -> ExitCode.FAILED;
    };
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    String last = lines[lines.length - 1].strip();
    return last.isEmpty() ? "create-token.sh failed without a message" : last;
  }
}
