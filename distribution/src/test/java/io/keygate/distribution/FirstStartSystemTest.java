package io.keygate.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "First start, step by step" of docs/operations.md is docs/first-start.sh, verbatim; this runs it
 * from the unpacked archive: keygate init on a new SoftHSM2 token, keygate serve, the Echo
 * backend, keystore-admin's provisioning verbs over mTLS, and a signed call from the Python client
 * that must come back OK from the backend. Real processes throughout.
 */
class FirstStartSystemTest {
  private static final Path REPOSITORY = Path.of(System.getProperty("keygate.repository.dir"));

  @TempDir Path work;

  @Test
  void theDocument_showsTheScriptVerbatim() throws IOException {
    String script = Files.readString(REPOSITORY.resolve("docs/first-start.sh"));
    String doc = Files.readString(REPOSITORY.resolve("docs/operations.md"));
    assertThat(doc).contains("```sh\n" + script + "```\n");
    // The archive ships the same file.
    assertThat(Files.readString(DistributionLayoutTest.HOME.resolve("docs/first-start.sh")))
        .isEqualTo(script);
  }

  @Test
  void firstStart_endsWithASignedCallAnsweredByTheBackend() throws Exception {
    Path dir = work.resolve("node");
    ProcessBuilder builder = new ProcessBuilder("bash",
        DistributionLayoutTest.HOME.resolve("docs/first-start.sh").toString(), dir.toString())
        .redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("KEYGATE_")
        || name.equals("SOFTHSM2_CONF"));
    builder.environment().put("GATEWAY_PORT", String.valueOf(freePort()));
    builder.environment().put("ADMIN_PORT", String.valueOf(freePort()));
    builder.environment().put("BACKEND_PORT", String.valueOf(freePort()));
    Process script = builder.start();
    script.getOutputStream().close();
    String out = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(script.waitFor(3, TimeUnit.MINUTES)).isTrue();
    assertThat(script.exitValue()).as(out).isZero();
    assertThat(out).as(out)
        .contains("keygate: serving calls on port", "security-officer")
        .contains("OK message=hello from the first start backend=acme-backend")
        // SIGTERM: the node drains and exits 143, what serve --help and the systemd unit expect.
        .contains("first-start: the node stopped cleanly (exit 143)");
    // The PINs init drew are in no line the walk-through printed.
    for (String pinFile : new String[] {"so.pin", "user.pin"}) {
      assertThat(out).doesNotContain(Files.readString(dir.resolve(pinFile)).strip());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
