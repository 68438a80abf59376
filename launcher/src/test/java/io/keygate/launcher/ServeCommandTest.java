package io.keygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keygate serve --config} as an operator meets it: a malformed file stops the process with
 * exit 2 and one line naming the file, the line and the setting. (A node serving from a config
 * file: FirstStartSystemTest in distribution/.)
 */
class ServeCommandTest {
  @TempDir Path dir;

  @Test
  void help_describesTheConfigFile() throws Exception {
    LauncherProcess.Result help = LauncherProcess.run(Map.of(), "serve", "--help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).contains("--config", "lower case without the prefix", "overrides");
  }

  @Test
  void malformedConfig_exits2NamingFileLineAndSetting() throws Exception {
    Path config = Files.write(dir.resolve("keygate.conf"), List.of(
        "hsm_config = " + dir.resolve("token.cfg"),
        "hsm_pin_file = " + dir.resolve("user.pin"),
        "listen = 127.0.0.1:http"));
    LauncherProcess.Result bad = LauncherProcess.run(Map.of(), "serve", "--config", config.toString());
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).startsWith("keygate: " + config + ":3: listen (KEYGATE_LISTEN): expected")
        .doesNotContain("http\n").doesNotContain("Exception");
    // The environment overrides the file, and is named as the variable when it is the culprit.
    LauncherProcess.Result fixed = LauncherProcess.run(
        Map.of("KEYGATE_LISTEN", "127.0.0.1:0", "KEYGATE_HSM_THREADS", "zero"),
        "serve", "--config", config.toString());
    assertThat(fixed.status()).isEqualTo(2);
    assertThat(fixed.err()).contains("the environment overrides " + config + " for KEYGATE_LISTEN")
        .contains("keygate: KEYGATE_HSM_THREADS: expected a whole number");
  }

  @Test
  void softHsmTokenWithoutSoftHsm2Conf_exits2WithTheExport() throws Exception {
    Path token = Files.createDirectories(dir.resolve("token"));
    Files.writeString(token.resolve("softhsm2.conf"), "directories.tokendir = " + token + "\n");
    Path config = Files.write(dir.resolve("keygate.conf"), List.of(
        "hsm_config = " + token.resolve("keygate.sunpkcs11.cfg"),
        "hsm_pin_file = " + token.resolve("user.pin")));
    LauncherProcess.Result run = LauncherProcess.run(Map.of(), "serve", "--config", config.toString());
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("export SOFTHSM2_CONF=" + token.resolve("softhsm2.conf"));
  }

  @Test
  void unknownKeyOrMissingFile_exit2() throws Exception {
    Path config = Files.write(dir.resolve("typo.conf"), List.of("# a node", "hsm_confg = x"));
    LauncherProcess.Result unknown = LauncherProcess.run(Map.of(), "serve", "-c", config.toString());
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).startsWith("keygate: " + config + ":2: unknown setting 'hsm_confg'");
    LauncherProcess.Result missing = LauncherProcess.run(Map.of(), "serve", "--config",
        dir.resolve("absent.conf").toString());
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).contains("no such file: " + dir.resolve("absent.conf"));
    Path empty = Files.write(dir.resolve("empty.conf"), List.of("listen = 127.0.0.1:0"));
    LauncherProcess.Result required = LauncherProcess.run(Map.of(), "serve", "-c", empty.toString());
    assertThat(required.status()).isEqualTo(2);
    assertThat(required.err()).startsWith("keygate: " + empty + ": hsm_config (KEYGATE_HSM_CONFIG): not set");
  }
}
