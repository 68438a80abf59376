package io.keygate.admin.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.admin.cli.ExitCode;
import io.keygate.admin.testing.CliRunner;
import io.keygate.admin.testing.CliRunner.Result;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Usage errors exit 2 with a message and no stack trace; help and version exit 0. */
class UsageTest {

  private static Result admin(String... args) {
    return CliRunner.run(CliRunner.environment(), args);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "frobnicate",
        "--no-such-option",
        "bootstrap",
        "keys",
        "credential",
        "--output yaml keys list",
        "bootstrap tls-key",
        "bootstrap tls-key --cn x --label has/slash",
        "bootstrap tls-key --cn x --days many",
        "bootstrap officer-cert --cn alice",
        "keys destroy",
        "credential retire --tenant t --access-key AK --after soon",
        "api register --tenant t --id a --method p.S/M --backend h:1 --auth maybe",
        "principal add --role auditor",
        "principal add --subject CN=x --sha256 ab --role auditor",
        "principal add --subject CN=x --role janitor",
        "approval",
        "approval request",
        "approval request destroy-key --label k",
        "approval request activate-tls-key --label k --listener backend --reason r",
        "approval approve",
        "tls",
        "tls prepare --dns gw.example.com",
        "tls install-cert --label k",
      })
  void usageErrors_exit2_withAMessage_andNoStackTrace(String line) {
    Result r = admin(line.isEmpty() ? new String[0] : line.split(" "));
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).isNotBlank();
    assertThat(r.out()).isEmpty();
    r.assertNoStackTrace();
  }

  @Test
  void aBadLabel_namesTheLabelRules() {
    Result r = admin("bootstrap", "tls-key", "--cn", "x", "--label", "has space");
    assertThat(r.err()).contains("1-64 characters of A-Z a-z 0-9 . _ : -");
  }

  @Test
  void noToken_isAUsageError_namingTheOptionAndTheVariable() {
    Result r = admin("keys", "list");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "keystore-admin: no token given: use --hsm-config FILE or set KEYGATE_HSM_CONFIG\n");
  }

  @Test
  void help_exits0_andListsEveryExitCode() {
    Result r = admin("--help");
    assertThat(r.exitCode()).isZero();
    for (ExitCode code : ExitCode.values()) {
      assertThat(r.out())
          .containsPattern(
              "(?m)^  "
                  + code.code()
                  + "\\s+"
                  + java.util.regex.Pattern.quote(code.meaning())
                  + "$");
    }
    assertThat(r.out())
        .contains("bootstrap")
        .contains("credential")
        .contains("whoami")
        .containsPattern("(?m)^  approval\\s+Dual control")
        .containsPattern("(?m)^  tls\\s+TLS keys");
  }

  @Test
  void verbHelp_exits0() {
    Result r = admin("bootstrap", "officer-cert", "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("--out-key").contains("0600");
  }

  @Test
  void version_exits0_andNamesTheProjectVersion() {
    Result r = admin("--version");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).startsWith("keystore-admin 0.1.0").doesNotContain("${");
  }

  @Test
  void noOptionTakesAPin() {
    Result r = admin("bootstrap", "tls-key", "--help");
    String[] optionNames =
        Arrays.stream(r.out().split("\\s+")).filter(w -> w.startsWith("--")).toArray(String[]::new);
    assertThat(optionNames)
        .noneMatch(o -> o.matches("--(user-|so-)?pin(=.*)?"))
        .noneMatch(o -> o.startsWith("--password"));
  }
}
