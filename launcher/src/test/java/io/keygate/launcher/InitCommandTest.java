package io.keygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.gateway.node.NodeSettings;
import io.keygate.gateway.node.SettingsSource;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keygate init DIR} as a real process on a real SoftHSM2 token: what it makes, what it
 * keeps secret, and that it never overwrites. (The node it sets up serving a signed call:
 * FirstStartSystemTest in distribution/.)
 */
class InitCommandTest {
  @TempDir static Path work;
  static Path dir;
  static LauncherProcess.Result init;

  @BeforeAll
  static void initOnce() throws Exception {
    dir = work.resolve("node");
    init = LauncherProcess.run(Map.of(), "init", dir.toString(), "--listen", "127.0.0.1:0",
        "--officer", "alice", "--dns", "gateway.test");
  }

  @Test
  void init_makesTokenKeysCertificatesAndAConfigServeAccepts() throws Exception {
    assertThat(init.status()).as(init.err()).isZero();
    assertThat(init.out()).contains("Next:", "server.pem: localhost, 127.0.0.1, gateway.test",
        "bin/keygate serve --config " + dir.resolve("keygate.conf"),
        "SOFTHSM2_CONF=" + dir.resolve("softhsm2.conf"), "KEYGATE_ADMIN_SERVER=localhost:8444",
        "bin/keystore-admin tenant create");
    assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    for (String secret : List.of("so.pin", "user.pin", "alice.key")) {
      assertThat(Files.getPosixFilePermissions(dir.resolve(secret)))
          .as(secret).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
    X509Certificate server = certificate(dir.resolve("server.pem"));
    assertThat(server.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))))
        .containsExactlyInAnyOrder("localhost", "127.0.0.1", "gateway.test");
    // The config file is one keygate serve reads, on this token, with the admin API and the KEK.
    NodeSettings settings = NodeSettings.fromEnvironment(
        SettingsSource.file(dir.resolve("keygate.conf"), Map.of()).values());
    assertThat(settings.hsmConfig()).contains(dir.resolve("keygate.sunpkcs11.cfg"));
    assertThat(settings.keys().issuingKek()).isPresent();
    assertThat(settings.keys().payloadKek()).isPresent();
    assertThat(settings.admin()).isPresent();
    assertThat(settings.gateway().listen().getPort()).isZero();
  }

  @Test
  void keys_areInTheTokenAndNeverExtractable() throws Exception {
    ProcessBuilder keys = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), "io.keygate.admin.KeystoreAdmin", "keys", "list",
        "--hsm-config", dir.resolve("keygate.sunpkcs11.cfg").toString(),
        "--pin-file", dir.resolve("user.pin").toString(), "--output", "json")
        .redirectErrorStream(true);
    keys.environment().put("SOFTHSM2_CONF", dir.resolve("softhsm2.conf").toString());
    Process listing = keys.start();
    String json = new String(listing.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(listing.waitFor()).as(json).isZero();
    assertThat(json).contains("\"gateway-tls\"", "\"admin-ca\"").doesNotContain("\"extractable\":true")
        .doesNotContain("\"extractable\": true");
  }

  @Test
  void pins_areNeverPrinted() throws Exception {
    for (String pinFile : List.of("so.pin", "user.pin")) {
      String pin = Files.readString(dir.resolve(pinFile)).strip();
      assertThat(pin).hasSizeGreaterThanOrEqualTo(20);
      assertThat(init.out() + init.err()).doesNotContain(pin);
      assertThat(Files.readString(dir.resolve("keygate.conf"))).doesNotContain(pin);
    }
  }

  @Test
  void rerun_onANonEmptyDirectory_refusesAndChangesNothing() throws Exception {
    String pin = Files.readString(dir.resolve("user.pin"));
    byte[] config = Files.readAllBytes(dir.resolve("keygate.conf"));
    LauncherProcess.Result again = LauncherProcess.run(Map.of(), "init", dir.toString());
    assertThat(again.status()).isEqualTo(2);
    assertThat(again.err()).contains(dir + " exists and is not an empty directory");
    assertThat(Files.readString(dir.resolve("user.pin"))).isEqualTo(pin);
    assertThat(Files.readAllBytes(dir.resolve("keygate.conf"))).isEqualTo(config);
    Path file = Files.writeString(work.resolve("a-file"), "x");
    assertThat(LauncherProcess.run(Map.of(), "init", file.toString()).status()).isEqualTo(2);
  }

  private static X509Certificate certificate(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
