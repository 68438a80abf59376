package io.keygate.hsm.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.KeyNotFoundException;
import io.keygate.hsm.pkcs11.Pkcs11TokenOptions;
import io.keygate.hsm.testing.KeyImporterMain;
import io.keygate.hsm.testing.MutableClock;
import io.keygate.hsm.testing.ProcessResult;
import io.keygate.hsm.testing.TokenFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keys created or destroyed by another process are seen without restarting this one. */
public abstract class CrossProcessVisibilityContract {

  protected abstract TokenFactory tokens();

  @Test
  void keyImportedByAnotherProcess_becomesUsable_andItsDestructionIsSeen() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
    Duration interval = Duration.ofSeconds(1);
    try (HsmToken token =
        tokens().open(tokens().labels().get(0),
            Pkcs11TokenOptions.defaults().withClock(clock).withMinRefreshInterval(interval))) {
      KeyLabel label = KeyLabel.of("ak-from-admin");
      byte[] secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      byte[] data = "string-to-sign".getBytes(StandardCharsets.UTF_8);

      assertThatThrownBy(() -> token.mac(label, data)).isInstanceOf(KeyNotFoundException.class);

      Path secretFile = Files.createTempFile("secret", ".hex");
      Files.writeString(secretFile, HexFormat.of().formatHex(secret));
      try {
        runOtherProcess("import", label.value(), secretFile.toString());
      } finally {
        Files.delete(secretFile);
      }

      // Within the refresh interval a miss does not re-read the token (no reload floods)...
      assertThatThrownBy(() -> token.mac(label, data)).isInstanceOf(KeyNotFoundException.class);
      // ...once it has passed, the next lookup re-reads it and finds the new key.
      clock.advance(interval);
      assertThat(token.mac(label, data)).isEqualTo(HmacContract.softwareHmac(secret, data));

      runOtherProcess("destroy", label.value());
      assertThatThrownBy(() -> token.mac(label, data)).isInstanceOf(KeyNotFoundException.class);
      assertThat(token.health().isUp()).isTrue();
    }
  }

  private void runOtherProcess(String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        new ArrayList<>(
            List.of(java, "-cp", System.getProperty("java.class.path"), KeyImporterMain.class.getName(),
                args[0], tokens().config().toString(), tokens().pinFile().toString()));
    cmd.addAll(List.of(args).subList(1, args.length));
    ProcessResult r = tokens().run(cmd, Map.of());
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("done");
  }
}
