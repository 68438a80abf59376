package io.keygate.admin.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.testing.CliRunner;
import io.keygate.admin.testing.CliRunner.Result;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Where the user PIN comes from, and what a person sees when it is wrong or missing. */
class PinSourcesTest {
  // "locked" is only ever given wrong PINs in this JVM: PKCS#11 login state is per process, so
  // a slot this process has logged in to would not even check a wrong PIN.
  @RegisterExtension static SoftHsmTokens hsm = new SoftHsmTokens("locked", "open");
  private static final String WRONG_PIN = "wrong-pin-4711";
  @TempDir Path tmp;

  private static String pin() throws Exception {
    return Files.readAllLines(hsm.pinFile()).get(0);
  }

  @Test
  void pinFromFile_opensTheToken() {
    Result r =
        CliRunner.run(
            CliRunner.environment(),
            "keys",
            "list",
            "--hsm-config",
            hsm.config("open").toString(),
            "--pin-file",
            hsm.pinFile().toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("keygate.canary");
    assertThat(r.err()).as("a 0600 PIN file draws no warning").isEmpty();
  }

  @Test
  void pinFromEnvironment_opensTheToken_andIsNeverPrinted() throws Exception {
    CliEnvironment env = CliRunner.environment(Map.of("OFFICER_PIN", pin()));
    Result r =
        CliRunner.run(
            env,
            "keys",
            "list",
            "--hsm-config",
            hsm.config("open").toString(),
            "--pin-env",
            "OFFICER_PIN");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out() + r.err()).doesNotContain(pin());
  }

  @Test
  void hsmConfigFromEnvironment_isUsedWhenTheOptionIsAbsent() {
    CliEnvironment env =
        CliRunner.environment(Map.of("KEYGATE_HSM_CONFIG", hsm.config("open").toString()));
    Result r = CliRunner.run(env, "keys", "list", "--pin-file", hsm.pinFile().toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  @Test
  void pinFromThePrompt_opensTheToken() throws Exception {
    char[] typed = pin().toCharArray();
    CliEnvironment env = CliRunner.environment().withPinPrompt(prompt -> Optional.of(typed));
    Result r = CliRunner.run(env, "keys", "list", "--hsm-config", hsm.config("open").toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(typed).as("the typed PIN is zeroed after use").containsOnly('\0');
  }

  @Test
  void wrongPin_exits3_namingCkrPinIncorrect_butNeverThePin() throws Exception {
    Path wrong = tmp.resolve("wrong.pin");
    Files.createFile(
        wrong, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(wrong, WRONG_PIN + "\n");
    Result r =
        CliRunner.run(
            CliRunner.environment(),
            "keys",
            "list",
            "--verbose",
            "--hsm-config",
            hsm.config("locked").toString(),
            "--pin-file",
            wrong.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.err()).contains("CKR_PIN_INCORRECT").doesNotContain(WRONG_PIN);
    assertThat(r.out()).isEmpty();
    r.assertNoStackTrace();
  }

  @Test
  void wrongPinFromEnvironment_exits3_withoutThePin() {
    CliEnvironment env = CliRunner.environment(Map.of("OFFICER_PIN", WRONG_PIN));
    Result r =
        CliRunner.run(
            env,
            "--output",
            "json",
            "keys",
            "list",
            "--hsm-config",
            hsm.config("locked").toString(),
            "--pin-env",
            "OFFICER_PIN");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.out() + r.err()).contains("CKR_PIN_INCORRECT").doesNotContain(WRONG_PIN);
  }

  @Test
  void noPinSource_andNoTerminal_isAUsageError() {
    Result r =
        CliRunner.run(
            CliRunner.environment(), "keys", "list", "--hsm-config", hsm.config("open").toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("--pin-file").contains("--pin-env");
  }

  @Test
  void unsetPinVariable_isAUsageError() {
    Result r =
        CliRunner.run(
            CliRunner.environment(),
            "keys",
            "list",
            "--hsm-config",
            hsm.config("open").toString(),
            "--pin-env",
            "NOT_SET_ANYWHERE");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("NOT_SET_ANYWHERE is not set");
  }

  @Test
  void pinFileAndPinEnvTogether_isAUsageError() {
    Result r =
        CliRunner.run(
            CliRunner.environment(),
            "keys",
            "list",
            "--hsm-config",
            hsm.config("open").toString(),
            "--pin-file",
            hsm.pinFile().toString(),
            "--pin-env",
            "X");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("mutually exclusive");
  }

  @Test
  void aPinFileOthersCanRead_drawsAWarning_butStillWorks() throws Exception {
    Path open = Files.writeString(tmp.resolve("loose.pin"), pin() + "\n");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    Result r =
        CliRunner.run(
            CliRunner.environment(),
            "--output",
            "json",
            "keys",
            "list",
            "--hsm-config",
            hsm.config("open").toString(),
            "--pin-file",
            open.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err()).contains("readable by other users");
    assertThat(r.out()).startsWith("{\"keys\":");
  }

  @Test
  void missingPinFile_isAUsageError() {
    Result r =
        CliRunner.run(
            CliRunner.environment(),
            "keys",
            "list",
            "--hsm-config",
            hsm.config("open").toString(),
            "--pin-file",
            "/nonexistent/user.pin");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("keystore-admin: no such file: /nonexistent/user.pin\n");
  }

  @Test
  void missingHsmConfig_isHsmUnavailable() {
    Result r =
        CliRunner.run(
            CliRunner.environment(),
            "keys",
            "list",
            "--hsm-config",
            "/nonexistent/x.cfg",
            "--pin-file",
            hsm.pinFile().toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.err()).contains("not readable");
  }
}
