package io.keygate.admin.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.admin.testing.CliRunner;
import io.keygate.admin.testing.CliRunner.Result;
import io.keygate.hsm.KeyInfo;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.pkcs11.SunPkcs11Token;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * bootstrap backend-hmac-key on a real SoftHSM2 token: the backend's HMAC key goes into the token
 * sensitive and never extractable; the backend's copy exists only in the 0600 file (generated) or
 * came from the backend's operator (imported), and never in the tool's output.
 */
class BackendHmacKeyTest {
  @RegisterExtension static SoftHsmTokens hsm = new SoftHsmTokens("kg");
  @TempDir Path tmp;

  @Test
  void generated_theTokenKeyIsProtected_andTheBackendsCopyIsA0600FileOfTheSameKey()
      throws Exception {
    Path out = tmp.resolve("orders.hmac");

    Result made = run("--label", "orders-hmac", "--secret-out", out.toString());

    assertThat(made.exitCode()).as(made.toString()).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out)))
        .isEqualTo("rw-------");
    byte[] copy = Base64.getMimeDecoder().decode(Files.readAllBytes(out));
    assertThat(copy).hasSize(32);
    assertThat(made.out()).contains("protected (sensitive, not extractable)")
        .contains("Attestation key id " + keyId(copy));
    assertNotShown(made, copy);
    assertTokenHolds("orders-hmac", copy);
  }

  @Test
  void imported_theBackendOperatorsKey_isTheTokensKey() throws Exception {
    byte[] operators = new byte[32];
    new SecureRandom().nextBytes(operators);
    Path in = tmp.resolve("from-operator.hmac");
    Files.writeString(in, Base64.getEncoder().encodeToString(operators) + "\n");

    Result made = run("--label", "billing-hmac", "--secret-in", in.toString());

    assertThat(made.exitCode()).as(made.toString()).isZero();
    assertThat(made.out()).contains("Attestation key id " + keyId(operators));
    assertNotShown(made, operators);
    assertTokenHolds("billing-hmac", operators);
  }

  @Test
  void refused_leavesNothingHalfDone() throws Exception {
    Path shortKey = tmp.resolve("short.hmac");
    Files.writeString(shortKey, Base64.getEncoder().encodeToString(new byte[16]) + "\n");
    Result tooShort = run("--label", "short-hmac", "--secret-in", shortKey.toString());
    assertThat(tooShort.exitCode()).isEqualTo(2);

    Path first = tmp.resolve("first.hmac");
    assertThat(run("--label", "taken-hmac", "--secret-out", first.toString()).exitCode()).isZero();
    Path second = tmp.resolve("second.hmac");
    Result taken = run("--label", "taken-hmac", "--secret-out", second.toString());
    assertThat(taken.exitCode()).as(taken.toString()).isEqualTo(5);
    assertThat(second).as("no copy of a key the token does not hold").doesNotExist();

    Result exists = run("--label", "other-hmac", "--secret-out", first.toString());
    assertThat(exists.exitCode()).isNotZero();
    try (SunPkcs11Token token = hsm.open("kg")) {
      assertThat(token.describeKey(KeyLabel.of("short-hmac"))).isEmpty();
      assertThat(token.describeKey(KeyLabel.of("other-hmac"))).isEmpty();
    }
  }

  private Result run(String... args) {
    String[] all = new String[args.length + 6];
    all[0] = "bootstrap";
    all[1] = "backend-hmac-key";
    System.arraycopy(args, 0, all, 2, args.length);
    all[args.length + 2] = "--hsm-config";
    all[args.length + 3] = hsm.config("kg").toString();
    all[args.length + 4] = "--pin-file";
    all[args.length + 5] = hsm.pinFile().toString();
    return CliRunner.run(CliRunner.environment(), all);
  }

  private static void assertTokenHolds(String label, byte[] copy) throws Exception {
    try (SunPkcs11Token token = hsm.open("kg")) {
      KeyInfo key = token.describeKey(KeyLabel.of(label)).orElseThrow();
      assertThat(key.tokenObject()).isTrue();
      assertThat(key.sensitive()).as("CKA_SENSITIVE").isTrue();
      assertThat(key.extractable()).as("CKA_EXTRACTABLE").isFalse();
      byte[] data = "a signed text".getBytes(StandardCharsets.US_ASCII);
      assertThat(token.mac(KeyLabel.of(label), data)).isEqualTo(hmac(copy, data));
    }
  }

  private static void assertNotShown(Result result, byte[] key) {
    assertThat(result.out() + result.err())
        .doesNotContain(Base64.getEncoder().encodeToString(key))
        .doesNotContainIgnoringCase(HexFormat.of().formatHex(key));
  }

  private static String keyId(byte[] key) throws Exception {
    return "hmac-" + HexFormat.of().formatHex(hmac(key,
        "keygate-backend-attestation-v1 key id".getBytes(StandardCharsets.US_ASCII)), 0, 8);
  }

  private static byte[] hmac(byte[] key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }
}
