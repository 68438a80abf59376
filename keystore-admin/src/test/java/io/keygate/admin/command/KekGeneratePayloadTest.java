package io.keygate.admin.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.admin.testing.CliRunner;
import io.keygate.admin.testing.CliRunner.Result;
import io.keygate.hsm.GcmSealed;
import io.keygate.hsm.KekId;
import io.keygate.hsm.WrappedSecret;
import io.keygate.hsm.pkcs11.DirectPayloadKeys;
import io.keygate.hsm.testing.RsaTestKeys;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code kek generate-payload}: the officer's payload KEK, usable by a node logged in as the user. */
class KekGeneratePayloadTest {
  @RegisterExtension static SoftHsmTokens hsm = new SoftHsmTokens("pkek");

  private static Result officer(String... args) {
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--hsm-config";
    all[args.length + 1] = hsm.config("pkek").toString();
    all[args.length + 2] = "--so-pin-file";
    all[args.length + 3] = hsm.soPinFile().toString();
    return CliRunner.run(CliRunner.environment(), all);
  }

  @Test
  void generatePayload_makesAPayloadKekThatIssuesAndSeals_once() throws Exception {
    Result made = officer("kek", "generate-payload", "--id", "pk-2026");
    assertThat(made.exitCode()).as(made.toString()).isZero();
    assertThat(made.out()).contains("keygate.pkek.pk-2026");

    Result again = officer("kek", "generate-payload", "--id", "pk-2026");
    assertThat(again.exitCode()).as(again.toString()).isNotZero();
    assertThat(again.err()).contains("already");
    Result bad = officer("kek", "generate-payload", "--id", "PK 2026");
    assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);

    // what a node does with it, logged in as the user after the officer's session ended
    try (DirectPayloadKeys node = DirectPayloadKeys.open(hsm.config("pkek"), hsm.pin(), 1, 4,
        Clock.systemUTC(), new SecureRandom())) {
      WrappedSecret key = node.generatePayloadKey(KekId.of("pk-2026"),
          (RSAPublicKey) RsaTestKeys.rsa3072(0).getPublic()).stored();
      byte[] m = "hello".getBytes(StandardCharsets.UTF_8);
      GcmSealed sealed = node.seal(key, m, new byte[0]);
      assertThat(node.open(key, sealed.iv(), sealed.ciphertextAndTag(), new byte[0])).isEqualTo(m);
    }
  }
}
