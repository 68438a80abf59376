package io.keygate.admin.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.keygate.admin.testing.CliRunner;
import io.keygate.admin.testing.CliRunner.Result;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bootstrap token runs softhsm-config/create-token.sh; PINs only ever travel in files. */
class BootstrapTokenTest {
  @TempDir Path tmp;

  private Path pinFile(String name, String pin) throws Exception {
    return Files.writeString(tmp.resolve(name), pin + "\n");
  }

  @Test
  void createsTheToken_andSaysWhatToExport() throws Exception {
    Path dir = tmp.resolve("hsm");
    Result r =
        CliRunner.run(
            CliRunner.environment(),
            "bootstrap",
            "token",
            "--dir",
            dir.toString(),
            "--label",
            "officers",
            "--so-pin-file",
            pinFile("so.pin", "so-pin-123456").toString(),
            "--pin-file",
            pinFile("user.pin", "user-pin-123456").toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    Path real = dir.toRealPath();
    assertThat(r.out())
        .containsPattern("Token 'officers' is in slot \\d+\\.")
        .contains("export SOFTHSM2_CONF=" + real.resolve("softhsm2.conf"))
        .contains(real.resolve("officers.sunpkcs11.cfg").toString())
        .doesNotContain("so-pin-123456")
        .doesNotContain("user-pin-123456");
    assertThat(real.resolve("officers.sunpkcs11.cfg")).exists();
  }

  @Test
  void runTwice_isIdempotent_andJsonHasTheSameSlot() throws Exception {
    Path dir = tmp.resolve("hsm2");
    String[] args = {
      "--output",
      "json",
      "bootstrap",
      "token",
      "--dir",
      dir.toString(),
      "--label",
      "again",
      "--so-pin-file",
      pinFile("so2.pin", "so-pin-123456").toString(),
      "--pin-file",
      pinFile("user2.pin", "user-pin-123456").toString()
    };
    Result first = CliRunner.run(CliRunner.environment(), args);
    Result second = CliRunner.run(CliRunner.environment(), args);
    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(second.exitCode()).as(second.toString()).isZero();
    JsonObject a = JsonParser.parseString(first.out()).getAsJsonObject();
    JsonObject b = JsonParser.parseString(second.out()).getAsJsonObject();
    assertThat(a.get("slot").getAsLong()).isEqualTo(b.get("slot").getAsLong());
    assertThat(a.get("softhsm2Conf").getAsString()).endsWith("/softhsm2.conf");
  }

  @Test
  void withoutPinFiles_forANewToken_isAUsageError() {
    Result r =
        CliRunner.run(
            CliRunner.environment(),
            "bootstrap",
            "token",
            "--dir",
            tmp.resolve("h3").toString(),
            "--label",
            "nopins");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("--so-pin-file and --pin-file are needed");
  }

  @Test
  void aLabelThatNeedsQuoting_isAUsageError() throws Exception {
    Result r =
        CliRunner.run(
            CliRunner.environment(),
            "bootstrap",
            "token",
            "--dir",
            tmp.resolve("h4").toString(),
            "--label",
            "a b;rm",
            "--so-pin-file",
            pinFile("so4", "so-pin-1234").toString(),
            "--pin-file",
            pinFile("u4", "user-pin-1234").toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("label may use only");
  }

  @Test
  void anExplicitScriptDirWithoutTheScript_isAUsageError() {
    Result r =
        CliRunner.run(
            CliRunner.environment(),
            "bootstrap",
            "token",
            "--dir",
            tmp.toString(),
            "--label",
            "x",
            "--softhsm-config-dir",
            tmp.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("create-token.sh not found in " + tmp);
    assertThat(SoftHsmTokens.configDir().resolve("create-token.sh")).exists();
  }
}
