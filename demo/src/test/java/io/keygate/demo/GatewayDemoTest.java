package io.keygate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.hsm.testing.SoftHsmTokens;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo as bin/demo runs it, on a fresh token and store: what it prints is what a newcomer
 * reads first, so each call's verdict is pinned here.
 */
class GatewayDemoTest {
  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("keygate-demo");

  @Test
  void run_onAFreshTokenAndStore_showsSignedCallsPassingAndEveryOtherRefused(@TempDir Path data)
      throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      new GatewayDemo(out).run(tokens.config("keygate-demo"), tokens.pinFile(), tokens.soPinFile(),
          data);
    }
    String output = printed.toString(StandardCharsets.UTF_8);

    assertThat(output)
        .contains("generated the gateway's TLS key (EC P-256) inside the HSM")
        .contains("Generated key-encryption key demo-kek inside the HSM")
        .containsPattern("the config store holds it only as a 40-byte blob wrapped under KEK"
            + " demo-kek")
        .doesNotContain("value readable")
        .containsPattern("signed unary Echo +-> OK  \"hello from acme-app\" answered by acme-backend")
        .containsPattern("signed server-streaming EchoStream x3 +-> OK  3 responses")
        .containsPattern("unsigned Echo +-> REFUSED  UNAUTHENTICATED MissingSignatureHeader")
        .containsPattern(
            "tampered Echo \\(body changed after signing\\) +-> REFUSED  UNAUTHENTICATED BodyDigestMismatch")
        .containsPattern("first use of a signed request +-> OK  hello from acme-app")
        .containsPattern("replay of that exact request +-> REFUSED  UNAUTHENTICATED ReplayedNonce")
        .containsPattern("Chat sent to acme's domain +-> REFUSED  UNIMPLEMENTED UnknownApi")
        .containsPattern(
            "acme-app calling Chat on globex's domain +-> REFUSED  PERMISSION_DENIED"
                + " CrossTenantNotAuthorized");
  }
}
