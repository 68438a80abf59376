package io.keygate.hsm.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.KeyInfo;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.SecretBytes;
import io.keygate.hsm.testing.Pkcs11ObjectInspector;
import io.keygate.hsm.testing.Pkcs11ObjectInspector.Protection;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Keys cannot be read back, shown without trusting the adapter and without any library-specific
 * tool: through the adapter's metadata, through a second, independent SunPKCS11 provider
 * (getEncoded), and straight through PKCS#11 ({@link Pkcs11ObjectInspector}: CKA_VALUE refused,
 * C_WrapKey refused), with a deliberately exposed key as the positive control for each check.
 * Where a library does not enforce a check, the suite proves what it does instead (see {@link
 * io.keygate.hsm.testing.LibraryBehaviour}).
 */
public abstract class NonExtractabilityContract extends TokenContract {
  protected static final KeyLabel HMAC = KeyLabel.of("ak-secret");
  protected static final KeyLabel AES = KeyLabel.of("aes-key");
  protected static final KeyLabel EC = KeyLabel.of("ec-key");
  private static final KeyLabel EXPOSED = KeyLabel.of("exposed-key");
  private final byte[] hmacSecret = new byte[32];
  private Pkcs11ObjectInspector inspector;

  @Override
  protected void prepare() throws Exception {
    new SecureRandom().nextBytes(hmacSecret);
    token.importHmacSecret(HMAC, SecretBytes.copyOf(hmacSecret));
    token.generateAesKey(AES);
    token.generateEcKey(EC, CertificateProfile.localhost("ec", Duration.ofDays(1)));
    inspector = Pkcs11ObjectInspector.open(tokens().config(), tokens().pin());
    inspector.createExposedAesKey(EXPOSED);
    token.refresh();
  }

  @AfterAll
  void closeInspector() throws Exception {
    if (inspector != null) {
      inspector.close();
    }
  }

  @Test
  void adapterMetadata_showsEveryKeyAsASensitiveUnextractableTokenObject() throws Exception {
    for (KeyLabel label : List.of(HMAC, AES, EC)) {
      KeyInfo info = token.describeKey(label).orElseThrow();
      assertThat(info.tokenObject()).as(label.value()).isTrue();
      assertThat(info.sensitive()).as(label.value()).isTrue();
      assertThat(info.extractable()).as(label.value()).isFalse();
    }
    KeyInfo exposed = token.describeKey(EXPOSED).orElseThrow();
    assertThat(exposed.isProtected()).as("the control key is reported as exposed").isFalse();
    assertThat(exposed.extractable()).isTrue();
  }

  @Test
  void theLibraryReportsTheSameProtection_andItsHistoryAsThisLibraryKeepsIt() throws Exception {
    Protection hmac = inspector.secretKey(HMAC);
    Protection aes = inspector.secretKey(AES);
    Protection ec = inspector.privateKey(EC);
    for (Protection p : List.of(hmac, aes, ec)) {
      assertThat(p.sensitive()).as(p.toString()).isTrue();
      assertThat(p.extractable()).as(p.toString()).isFalse();
    }
    // An imported secret was once outside the token: no library may call it "always sensitive".
    assertThat(hmac.alwaysSensitive()).isFalse();
    assertThat(hmac.neverExtractable()).isFalse();
    // Keys generated inside the token: whether the library vouches for their history differs.
    boolean expected = tokens().behaviour().generatedKeysAlwaysSensitive();
    for (Protection p : List.of(aes, ec)) {
      assertThat(p.alwaysSensitive()).as(tokens().libraryName() + " " + p).isEqualTo(expected);
      assertThat(p.neverExtractable()).as(tokens().libraryName() + " " + p).isEqualTo(expected);
    }
    Protection control = inspector.secretKey(EXPOSED);
    assertThat(control.sensitive()).isFalse();
    assertThat(control.extractable()).isTrue();
  }

  @Test
  void readingTheValue_isRefusedAsSensitive() throws Exception {
    assertThat(inspector.readSecretValue(HMAC)).contains("CKR_ATTRIBUTE_SENSITIVE");
    assertThat(inspector.readSecretValue(AES)).contains("CKR_ATTRIBUTE_SENSITIVE");
    if (tokens().behaviour().nonSensitiveTokenKeyValueReadable()) {
      assertThat(inspector.readSecretValue(EXPOSED)).as("the control key's value comes out").isEmpty();
    } else {
      assertThat(inspector.readSecretValue(EXPOSED))
          .as(tokens().libraryName() + " refuses CKA_VALUE of every token key, sensitive or not")
          .contains("CKR_ATTRIBUTE_SENSITIVE");
    }
  }

  @Test
  void wrappingAKeyOutOfTheToken_isRefusedWhereTheLibraryEnforcesIt() throws Exception {
    Pkcs11ObjectInspector.WrapAttempt control = inspector.wrapOut(EXPOSED, false);
    assertThat(control.refused()).as("the control key wraps out: " + control).isFalse();
    assertThat(control.unwrapped()).hasSize(32);

    Pkcs11ObjectInspector.WrapAttempt hmac = inspector.wrapOut(HMAC, false);
    Pkcs11ObjectInspector.WrapAttempt aes = inspector.wrapOut(AES, false);
    Pkcs11ObjectInspector.WrapAttempt ec = inspector.wrapOut(EC, true);
    if (tokens().behaviour().wrapRefusesUnextractableKeys()) {
      for (Pkcs11ObjectInspector.WrapAttempt a : List.of(hmac, aes, ec)) {
        assertThat(a.refusal()).as(a.toString()).isEqualTo("CKR_KEY_UNEXTRACTABLE");
      }
    } else {
      // Stated so that it cannot go unnoticed: this library hands out keys marked unextractable.
      // The imported secret comes out byte for byte.
      assertThat(hmac.refused()).as(tokens().libraryName() + " " + hmac).isFalse();
      assertThat(hmac.unwrapped()).isEqualTo(hmacSecret);
      assertThat(aes.refused()).as(aes.toString()).isFalse();
      assertThat(aes.unwrapped()).hasSize(32);
      assertThat(ec.refused()).as(ec.toString()).isFalse();
    }
  }

  @Test
  void getEncoded_isNullForEveryKey_throughAnIndependentProvider() throws Exception {
    Provider independent = Security.getProvider("SunPKCS11").configure(tokens().config().toString());
    KeyStore ks = KeyStore.getInstance("PKCS11", independent);
    try (var pin = tokens().pin()) {
      ks.load(null, pin.unsafeChars());
    }
    for (KeyLabel label : List.of(HMAC, AES, EC)) {
      Key key = ks.getKey(label.value(), null);
      assertThat(key).as(label.value()).isNotNull();
      assertThat(key.getEncoded()).as(label.value()).isNull();
    }
    Key control = ks.getKey(EXPOSED.value(), null);
    if (tokens().behaviour().nonSensitiveTokenKeyValueReadable()) {
      assertThat(control.getEncoded()).as("the control key's bytes come out").hasSize(32);
    } else {
      assertThat(control.getEncoded()).as(tokens().libraryName() + ": no token key's value").isNull();
    }
  }
}
