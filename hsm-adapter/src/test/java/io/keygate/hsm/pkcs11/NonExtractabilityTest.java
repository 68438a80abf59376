package io.keygate.hsm.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.SecretBytes;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.hsm.testing.SoftHsmTokens.ProcessResult;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Keys cannot be read back, proven three ways and without trusting the adapter: through a second,
 * independent SunPKCS11 provider (getEncoded), and through OpenSC's pkcs11-tool in another process
 * (read the value, wrap the key under a wrapping key made for the purpose).
 */
class NonExtractabilityTest {
  @RegisterExtension static SoftHsmTokens hsm = new SoftHsmTokens("extract");
  private static SunPkcs11Token token;
  private static final KeyLabel HMAC = KeyLabel.of("ak-secret");
  private static final KeyLabel AES = KeyLabel.of("aes-key");
  private static final KeyLabel EC = KeyLabel.of("ec-key");

  @BeforeAll
  static void open() throws Exception {
    token = hsm.open("extract");
    token.importHmacSecret(HMAC, SecretBytes.random(32, new SecureRandom()));
    token.generateAesKey(AES);
    token.generateEcKey(EC, CertificateProfile.localhost("ec", Duration.ofDays(1)));
  }

  @AfterAll
  static void close() {
    token.close();
  }

  @Test
  void getEncoded_isNullForEveryKey_throughAnIndependentProvider() throws Exception {
    Provider independent =
        Security.getProvider("SunPKCS11").configure(hsm.config("extract").toString());
    KeyStore ks = KeyStore.getInstance("PKCS11", independent);
    try (var pin = hsm.pin()) {
      ks.load(null, pin.unsafeChars());
    }
    for (KeyLabel label : new KeyLabel[] {HMAC, AES, EC}) {
      Key key = ks.getKey(label.value(), null);
      assertThat(key).as(label.value()).isNotNull();
      assertThat(key.getEncoded()).as(label.value()).isNull();
    }
  }

  @Test
  void valueReadable_isFalseForOurKeys_andTrueForAKeyMadeWithoutTheTemplate() throws Exception {
    for (KeyLabel label : new KeyLabel[] {HMAC, AES, EC}) {
      assertThat(token.valueReadable(label)).as(label.value()).isFalse();
    }
    // Proves the check is not vacuous: pkcs11-tool makes an extractable, non-sensitive key.
    ProcessResult weak =
        hsm.pkcs11Tool("extract", "--keygen", "--key-type", "AES:32", "--extractable", "--label", "weak-key");
    assertThat(weak.exitCode()).as(weak.output()).isZero();
    token.refresh();
    assertThat(token.valueReadable(KeyLabel.of("weak-key"))).isTrue();
    assertThat(token.describeKey(KeyLabel.of("weak-key")).orElseThrow().isProtected()).isFalse();
  }

  @Test
  void pkcs11Tool_cannotReadTheSecretValue() throws Exception {
    ProcessResult secret = hsm.pkcs11Tool("extract", "--read-object", "--type", "secrkey", "--label", HMAC.value());
    assertThat(secret.exitCode()).as(secret.output()).isNotZero();
    assertThat(secret.output()).contains("CKR_ATTRIBUTE_SENSITIVE");

    ProcessResult aes = hsm.pkcs11Tool("extract", "--read-object", "--type", "secrkey", "--label", AES.value());
    assertThat(aes.exitCode()).as(aes.output()).isNotZero();
    assertThat(aes.output()).contains("CKR_ATTRIBUTE_SENSITIVE");
  }

  @Test
  void pkcs11Tool_showsTheKeysAsSensitiveAndNotExtractable() throws Exception {
    ProcessResult listing = hsm.pkcs11Tool("extract", "--list-objects", "--type", "secrkey");
    assertThat(listing.exitCode()).as(listing.output()).isZero();
    // Imported keys were once outside the token, so PKCS#11 cannot call them "never extractable";
    // keys generated inside the token are "always sensitive, never extractable".
    assertThat(accessOf(listing.output(), HMAC)).contains("sensitive").doesNotContain("extractable");
    assertThat(accessOf(listing.output(), AES))
        .contains("always sensitive")
        .contains("never extractable")
        .doesNotContainPattern("(^|, )extractable");
    ProcessResult keys = hsm.pkcs11Tool("extract", "--list-objects", "--type", "privkey");
    assertThat(accessOf(keys.output(), EC)).contains("always sensitive").contains("never extractable");
    assertThat(token.describeKey(HMAC).orElseThrow().isProtected()).isTrue();
  }

  /**
   * The "Access:" line pkcs11-tool prints for our object: secret keys carry the label as
   * CKA_LABEL; SunPKCS11 stores a private key with the label as its CKA_ID (hex) instead.
   */
  private static String accessOf(String listing, KeyLabel label) {
    String id = java.util.HexFormat.of().formatHex(label.value().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
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

  @Test
  void wrappingTheKeyOutOfTheToken_fails() throws Exception {
    // A wrapping key that is allowed to wrap, and an ID on the HMAC key so pkcs11-tool can name it.
    ProcessResult wrapper =
        hsm.pkcs11Tool(
            "extract", "--keygen", "--key-type", "AES:32", "--usage-wrap", "--id", "77",
            "--label", "test-wrapper");
    assertThat(wrapper.exitCode()).as(wrapper.output()).isZero();
    ProcessResult setId =
        hsm.pkcs11Tool("extract", "--type", "secrkey", "--label", HMAC.value(), "--set-id", "78");
    assertThat(setId.exitCode()).as(setId.output()).isZero();

    java.nio.file.Path out = java.nio.file.Files.createTempFile("wrapped", ".bin");
    ProcessResult wrap =
        hsm.pkcs11Tool(
            "extract", "--wrap", "--mechanism", "AES-KEY-WRAP", "--id", "77",
            "--application-id", "78", "--output-file", out.toString());
    assertThat(wrap.exitCode()).as(wrap.output()).isNotZero();
    assertThat(wrap.output()).contains("CKR_KEY_UNEXTRACTABLE");
    assertThat(java.nio.file.Files.size(out)).isZero();
  }
}
