package io.keygate.hsm.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** softhsm-config/create-token.sh: the one way tests, the demo and the docs make tokens. */
class CreateTokenScriptTest {
  private final SoftHsmTokens runner = new SoftHsmTokens();
  private final String script = SoftHsmTokens.configDir().resolve("create-token.sh").toString();

  @Test
  void createsATokenOnce_andReturnsTheSameSlotWhenRunAgain() throws Exception {
    Path dir = Files.createTempDirectory("ct");
    Path so = Files.writeString(dir.resolve("so"), "so-pin-1234\n");
    Path user = Files.writeString(dir.resolve("user"), "user-pin-1234\n");
    List<String> cmd =
        List.of("bash", script, "--dir", dir.resolve("t").toString(), "--label", "idem",
            "--so-pin-file", so.toString(), "--pin-file", user.toString());
    ProcessResult first = runner.run(cmd, Map.of());
    ProcessResult second = runner.run(cmd, Map.of());
    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(second.exitCode()).as(second.output()).isZero();
    assertThat(second.output().trim()).isEqualTo(first.output().trim()).matches("\\d+");
    String cfg = Files.readString(dir.resolve("t").resolve("idem.sunpkcs11.cfg"));
    assertThat(cfg).contains("slot = " + first.output().trim())
        .contains("CKA_SENSITIVE = true").contains("CKA_EXTRACTABLE = false");
    assertThat(cfg).doesNotContain("user-pin-1234").doesNotContain("so-pin-1234");
    assertThat(Files.readString(dir.resolve("t").resolve("softhsm2.conf")))
        .contains("directories.tokendir = " + dir.resolve("t").resolve("tokens").toRealPath());
  }

  @Test
  void withoutSoftHsm_failsNamingTheInstallCommand() throws Exception {
    Path bin = Files.createTempDirectory("bin");
    Files.createSymbolicLink(bin.resolve("dirname"), Path.of("/usr/bin/dirname"));
    ProcessResult r =
        runner.run(
            List.of("/bin/bash", script, "--dir", bin.resolve("t").toString(), "--label", "x"),
            Map.of("PATH", bin.toString()));
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.output()).contains("apt-get install -y softhsm2 opensc");
  }

  @Test
  void refusesLabelsThatNeedQuoting() throws Exception {
    ProcessResult r =
        runner.run(List.of("bash", script, "--dir", "/tmp/x", "--label", "a b;rm"), Map.of());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.output()).contains("label may use only");
  }
}
