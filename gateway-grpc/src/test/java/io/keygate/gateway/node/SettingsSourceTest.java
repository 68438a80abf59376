package io.keygate.gateway.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's config file: read by NodeSettings exactly as the environment, overridden by it. */
class SettingsSourceTest {
  @TempDir Path dir;

  private Path config(String... lines) throws IOException {
    return Files.write(dir.resolve("keygate.conf"), java.util.List.of(lines));
  }

  private static final String[] MINIMAL = {
    "# a node on a SoftHSM2 token",
    "hsm_config = /var/lib/keygate/keygate.sunpkcs11.cfg",
    "",
    "hsm_pin_file = /var/lib/keygate/user.pin",
  };

  private String[] minimalWith(String... more) {
    String[] lines = java.util.Arrays.copyOf(MINIMAL, MINIMAL.length + more.length);
    System.arraycopy(more, 0, lines, MINIMAL.length, more.length);
    return lines;
  }

  @Test
  void file_isReadLikeTheEnvironment() throws Exception {
    SettingsSource source = SettingsSource.file(
        config(minimalWith("listen = 127.0.0.1:9443", "nonce_capacity=5000", "kek = kek-1")),
        Map.of());
    NodeSettings fromFile = NodeSettings.fromEnvironment(source.values());
    NodeSettings fromEnvironment = NodeSettings.fromEnvironment(Map.of(
        "KEYGATE_HSM_CONFIG", "/var/lib/keygate/keygate.sunpkcs11.cfg",
        "KEYGATE_HSM_PIN_FILE", "/var/lib/keygate/user.pin",
        "KEYGATE_LISTEN", "127.0.0.1:9443", "KEYGATE_NONCE_CAPACITY", "5000",
        "KEYGATE_KEK", "kek-1"));
    assertThat(fromFile.gateway().listen()).isEqualTo(fromEnvironment.gateway().listen());
    assertThat(fromFile.nonceCapacity()).isEqualTo(5000);
    assertThat(fromFile.keys()).isEqualTo(fromEnvironment.keys());
    assertThat(fromFile.hsmConfig()).isEqualTo(fromEnvironment.hsmConfig());
  }

  @Test
  void environment_overridesTheFile() throws Exception {
    SettingsSource source = SettingsSource.file(config(minimalWith("listen = 127.0.0.1:9443")),
        Map.of("KEYGATE_LISTEN", "127.0.0.1:0", "KEYGATE_NONCE_CAPACITY", ""));
    assertThat(NodeSettings.fromEnvironment(source.values()).gateway().listen().getPort()).isZero();
    assertThat(source.overridden()).containsExactly("KEYGATE_LISTEN");
    // An empty variable is unset, as NodeSettings reads it: it does not hide the file's line.
    assertThat(source.values()).doesNotContainKey("KEYGATE_NONCE_CAPACITY");
  }

  @Test
  void badValue_namesFileLineAndSetting_neverTheValue() throws Exception {
    Path file = config(minimalWith("listen = gateway.example:https"));
    SettingsSource source = SettingsSource.file(file, Map.of());
    assertThatThrownBy(() -> NodeSettings.fromEnvironment(source.values()))
        .isInstanceOfSatisfying(SettingsException.class, e ->
            assertThat(source.locate(e).getMessage())
                .startsWith(file + ":5: listen (KEYGATE_LISTEN): expected")
                .doesNotContain("gateway.example"));
  }

  @Test
  void badValueFromTheEnvironment_namesTheVariable() throws Exception {
    SettingsSource source = SettingsSource.file(config(minimalWith("listen = 127.0.0.1:9443")),
        Map.of("KEYGATE_LISTEN", "nowhere"));
    assertThatThrownBy(() -> NodeSettings.fromEnvironment(source.values()))
        .isInstanceOfSatisfying(SettingsException.class, e ->
            assertThat(source.locate(e).getMessage()).startsWith("KEYGATE_LISTEN: expected"));
  }

  @Test
  void missingRequiredSetting_namesTheFileAndTheKey() throws Exception {
    Path file = config("hsm_pin_file = /var/lib/keygate/user.pin");
    SettingsSource source = SettingsSource.file(file, Map.of());
    assertThatThrownBy(() -> NodeSettings.fromEnvironment(source.values()))
        .isInstanceOfSatisfying(SettingsException.class, e ->
            assertThat(source.locate(e).getMessage())
                .startsWith(file + ": hsm_config (KEYGATE_HSM_CONFIG): not set"));
  }

  @Test
  void unknownKey_isRefusedWithItsLine() throws Exception {
    Path file = config(minimalWith("lisen = 127.0.0.1:9443"));
    assertThatThrownBy(() -> SettingsSource.file(file, Map.of()))
        .isInstanceOf(SettingsException.class)
        .hasMessageStartingWith(file + ":5: unknown setting 'lisen'");
    // The variable's own spelling is not a key: one way to write each setting.
    Path upper = config(minimalWith("KEYGATE_LISTEN = 127.0.0.1:9443"));
    assertThatThrownBy(() -> SettingsSource.file(upper, Map.of()))
        .hasMessageStartingWith(upper + ":5: unknown setting 'KEYGATE_LISTEN'");
  }

  @Test
  void malformedLines_areRefused() throws Exception {
    Path noEquals = config(minimalWith("listen 127.0.0.1:9443"));
    assertThatThrownBy(() -> SettingsSource.file(noEquals, Map.of()))
        .hasMessageStartingWith(noEquals + ":5: expected key = value");
    Path twice = config(minimalWith("listen = 127.0.0.1:1", "listen = 127.0.0.1:2"));
    assertThatThrownBy(() -> SettingsSource.file(twice, Map.of()))
        .hasMessageStartingWith(twice + ":6: listen (KEYGATE_LISTEN): set twice (first on line 5)");
  }

  @Test
  void secretsThemselves_areRefusedAndNotRepeated() throws Exception {
    // The secrets in these tests hold letters: the temporary directory's name is "junit-" and
    // random digits, so an all-digit secret could appear in the path the message names.
    Path file = config(minimalWith("hsm_pin = Qz8wK3pin"));
    assertThatThrownBy(() -> SettingsSource.file(file, Map.of()))
        .hasMessageStartingWith(file + ":5: hsm_pin (KEYGATE_HSM_PIN): a secret is never written")
        .hasMessageNotContaining("Qz8wK3pin");
    Path db = config(minimalWith("db_password = hunter2"));
    assertThatThrownBy(() -> SettingsSource.file(db, Map.of()))
        .hasMessageContaining("db_password_file")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void missingFile_isNamed() {
    Path file = dir.resolve("absent.conf");
    assertThatThrownBy(() -> SettingsSource.file(file, Map.of()))
        .isInstanceOf(SettingsException.class)
        .hasMessageStartingWith("--config: no such file: " + file);
  }

  @Test
  void toString_showsNoValue() throws Exception {
    SettingsSource source = SettingsSource.file(config(MINIMAL), Map.of("KEYGATE_HSM_PIN", "Vt5pin-9876"));
    assertThat(source.toString()).doesNotContain("Vt5pin").doesNotContain("user.pin");
  }
}
