package io.keygate.hsm.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.contract.NonExtractabilityContract;
import io.keygate.hsm.testing.ProcessResult;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.hsm.testing.TokenFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link NonExtractabilityContract} on SoftHSM2, plus a third, independent witness that exists
 * for SoftHSM only: OpenSC's pkcs11-tool in another process (it cannot pass NSS its database
 * arguments), and the adapter's own {@code valueReadable} probe.
 */
class SoftHsm2NonExtractabilityTest extends NonExtractabilityContract {
  @RegisterExtension static final SoftHsmTokens TOKENS = new SoftHsmTokens("extract");

  @Override
  protected TokenFactory tokens() {
    return TOKENS;
  }

  @Test
  void valueReadable_isFalseForOurKeys_andTrueForAKeyMadeWithoutTheTemplate() throws Exception {
    SunPkcs11Token sun = (SunPkcs11Token) token;
    for (KeyLabel label : new KeyLabel[] {HMAC, AES, EC}) {
      assertThat(sun.valueReadable(label)).as(label.value()).isFalse();
    }
    ProcessResult weak =
        TOKENS.pkcs11Tool("extract", "--keygen", "--key-type", "AES:32", "--extractable", "--label", "weak-key");
    assertThat(weak.exitCode()).as(weak.output()).isZero();
    token.refresh();
    assertThat(sun.valueReadable(KeyLabel.of("weak-key"))).isTrue();
    assertThat(token.describeKey(KeyLabel.of("weak-key")).orElseThrow().isProtected()).isFalse();
  }

  @Test
  void pkcs11Tool_cannotReadTheSecretValue() throws Exception {
    for (KeyLabel label : new KeyLabel[] {HMAC, AES}) {
      ProcessResult r =
          TOKENS.pkcs11Tool("extract", "--read-object", "--type", "secrkey", "--label", label.value());
      assertThat(r.exitCode()).as(r.output()).isNotZero();
      assertThat(r.output()).contains("CKR_ATTRIBUTE_SENSITIVE");
    }
  }

  @Test
  void pkcs11Tool_showsTheKeysAsSensitiveAndNotExtractable() throws Exception {
    ProcessResult listing = TOKENS.pkcs11Tool("extract", "--list-objects", "--type", "secrkey");
    assertThat(listing.exitCode()).as(listing.output()).isZero();
    // Imported keys were once outside the token, so PKCS#11 cannot call them "never extractable";
    // keys generated inside the token are "always sensitive, never extractable".
    assertThat(accessOf(listing.output(), HMAC)).contains("sensitive").doesNotContain("extractable");
    assertThat(accessOf(listing.output(), AES))
        .contains("always sensitive")
        .contains("never extractable")
        .doesNotContainPattern("(^|, )extractable");
    ProcessResult keys = TOKENS.pkcs11Tool("extract", "--list-objects", "--type", "privkey");
    assertThat(accessOf(keys.output(), EC)).contains("always sensitive").contains("never extractable");
  }

  @Test
  void pkcs11Tool_cannotWrapTheKeyOutOfTheToken() throws Exception {
    // A wrapping key that is allowed to wrap, and an ID on the HMAC key so pkcs11-tool can name it.
    ProcessResult wrapper =
        TOKENS.pkcs11Tool(
            "extract", "--keygen", "--key-type", "AES:32", "--usage-wrap", "--id", "77",
            "--label", "test-wrapper");
    assertThat(wrapper.exitCode()).as(wrapper.output()).isZero();
    ProcessResult setId =
        TOKENS.pkcs11Tool("extract", "--type", "secrkey", "--label", HMAC.value(), "--set-id", "78");
    assertThat(setId.exitCode()).as(setId.output()).isZero();

    Path out = Files.createTempFile("wrapped", ".bin");
    ProcessResult wrap =
        TOKENS.pkcs11Tool(
            "extract", "--wrap", "--mechanism", "AES-KEY-WRAP", "--id", "77",
            "--application-id", "78", "--output-file", out.toString());
    assertThat(wrap.exitCode()).as(wrap.output()).isNotZero();
    assertThat(wrap.output()).contains("CKR_KEY_UNEXTRACTABLE");
    assertThat(Files.size(out)).isZero();
  }

  /**
   * The "Access:" line pkcs11-tool prints for our object: secret keys carry the label as
   * CKA_LABEL; SunPKCS11 stores a private key with the label as its CKA_ID (hex) instead.
   */
  private static String accessOf(String listing, KeyLabel label) {
    String id = HexFormat.of().formatHex(label.value().getBytes(StandardCharsets.US_ASCII));
    for (String block : listing.split("(?=(Secret|Private) Key Object)")) {
      boolean named = false;
      String access = null;
      for (String line : block.split("\n")) {
        String t = line.trim();
        named |= t.equals("label:      " + label.value()) || t.equals("ID:         " + id);
        if (t.startsWith("Access:")) {
          access = t.substring("Access:".length()).trim();
        }
      }
      if (named && access != null) {
        return access;
      }
    }
    throw new AssertionError("no object " + label + " in:\n" + listing);
  }
}
