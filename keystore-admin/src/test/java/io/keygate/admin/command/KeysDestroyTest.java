package io.keygate.admin.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.admin.testing.CliRunner;
import io.keygate.admin.testing.CliRunner.Result;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KeysDestroyTest {
  @RegisterExtension static SoftHsmTokens hsm = new SoftHsmTokens("destroy");

  private static Result admin(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--hsm-config",
            hsm.config("destroy").toString(),
            "--pin-file",
            hsm.pinFile().toString()));
    return CliRunner.run(CliRunner.environment(), all.toArray(String[]::new));
  }

  @Test
  void destroy_withoutYes_refuses_andKeepsTheKey() {
    assertThat(admin("bootstrap", "tls-key", "--label", "keep-me", "--cn", "x").exitCode())
        .isZero();
    Result r = admin("keys", "destroy", "--label", "keep-me");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("cannot be undone").contains("--yes");
    assertThat(admin("keys", "list").out()).contains("keep-me");
  }

  @Test
  void destroy_withYes_removesTheKey() {
    assertThat(admin("bootstrap", "tls-key", "--label", "drop-me", "--cn", "x").exitCode())
        .isZero();
    Result r = admin("--output", "json", "keys", "destroy", "--label", "drop-me", "--yes");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("{\"label\":\"drop-me\",\"destroyed\":true}\n");
    assertThat(admin("keys", "list").out()).doesNotContain("drop-me");
  }

  @Test
  void destroy_ofAnUnknownKey_isNotFound() {
    Result r = admin("keys", "destroy", "--label", "never-was", "--yes");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
    assertThat(r.err()).contains("never-was");
  }

  @Test
  void destroy_ofTheHealthCanary_isRefused_evenWithYes() {
    Result r = admin("keys", "destroy", "--label", "keygate.canary", "--yes");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
    assertThat(r.err()).contains("health canary");
    assertThat(admin("keys", "list").out()).contains("keygate.canary");
  }
}
