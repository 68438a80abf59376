package io.keygate.hsm.pkcs11;

import static io.keygate.hsm.pkcs11.TokenProbes.ckr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_DECRYPT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_ENCRYPT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_EXTRACTABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_PRIVATE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SENSITIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_NEVER_EXTRACTABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SIGN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_TRUSTED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_UNWRAP;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_VALUE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_WRAP;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_GCM;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_WRAP_PAD;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKU_USER;

import io.keygate.hsm.CiphertextRejectedException;
import io.keygate.hsm.GcmSealed;
import io.keygate.hsm.IssuedSecret;
import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyAlreadyExistsException;
import io.keygate.hsm.KeyNotFoundException;
import io.keygate.hsm.Pin;
import io.keygate.hsm.WrappedMacKeys;
import io.keygate.hsm.WrappedSecret;
import io.keygate.hsm.pkcs11.TokenProbes.Login;
import io.keygate.hsm.testing.RsaTestKeys;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.params.GCM_PARAMS;

/**
 * Payload keys on a real SoftHSM2 token: made in the token, delivered wrapped, used through
 * encrypt-only and decrypt-only session keys with CKM_AES_GCM (which SoftHSM2 honours through the
 * direct binding), interoperable with the JDK's AES/GCM in the client's hands, rewrapped under a
 * new payload KEK; and what a holder of the user PIN can still try with a blob.
 */
class SoftHsm2PayloadKeysTest {
  @RegisterExtension static final SoftHsmTokens TOKENS = new SoftHsmTokens("payload");

  private static final KekId KEK = KekId.of("p1");
  private static final KekId NEXT = KekId.of("p2");
  private static final byte[] AAD = "keygate-payload-v1|/demo.Echo/Say|AK1|n=0"
      .getBytes(StandardCharsets.UTF_8);
  private static final byte[] MESSAGE = "hello, backend".getBytes(StandardCharsets.UTF_8);

  private static DirectPayloadKeys keys;
  private static KeyPair officer;

  @BeforeAll
  static void officerMakesPayloadKeksThenNodeOpens() throws Exception {
    try (DirectKekAdministration so = DirectKekAdministration.openAsSecurityOfficer(
        TOKENS.config(), Pin.fromFile(TOKENS.soPinFile()))) {
      so.generatePayloadKek(KEK);
      so.generatePayloadKek(NEXT);
      assertThatThrownBy(() -> so.generatePayloadKek(KEK))
          .isInstanceOf(KeyAlreadyExistsException.class);
      assertThat(so.listKeks()).isEmpty(); // credential KEKs only: a payload KEK is another kind
    }
    keys = DirectPayloadKeys.open(TOKENS.config(), TOKENS.pin(), 2, 8, Clock.systemUTC(),
        new SecureRandom());
    officer = RsaTestKeys.rsa3072(0);
  }

  @AfterAll
  static void close() {
    if (keys != null) {
      keys.close();
    }
  }

  @Test
  void issuedKey_reachesOnlyTheRecipient_andInteroperatesWithTheJdk() throws Exception {
    IssuedSecret issued = keys.generatePayloadKey(KEK, (RSAPublicKey) officer.getPublic());
    byte[] key = recipientKey(issued);
    assertThat(key).hasSize(32);
    assertThat(issued.stored().length()).isEqualTo(40);
    assertThat(HexFormat.of().formatHex(issued.stored().blob()))
        .doesNotContain(HexFormat.of().formatHex(key));

    GcmSealed sealed = keys.seal(issued.stored(), MESSAGE, AAD);
    assertThat(jce(Cipher.DECRYPT_MODE, key, sealed.iv(), sealed.ciphertextAndTag()))
        .isEqualTo(MESSAGE);

    byte[] iv = new byte[12];
    new SecureRandom().nextBytes(iv);
    byte[] fromClient = jce(Cipher.ENCRYPT_MODE, key, iv, MESSAGE);
    assertThat(keys.open(issued.stored(), iv, fromClient, AAD)).isEqualTo(MESSAGE);
  }

  @Test
  void emptyMessage_sealsToATagAlone_andTheSessionStaysUsable() throws Exception {
    IssuedSecret issued = keys.generatePayloadKey(KEK, (RSAPublicKey) officer.getPublic());
    for (int i = 0; i < 3; i++) { // more than the sessions: each must be left clean
      GcmSealed sealed = keys.seal(issued.stored(), new byte[0], AAD);
      assertThat(sealed.ciphertextAndTag()).hasSize(16);
      assertThat(jce(Cipher.DECRYPT_MODE, recipientKey(issued), sealed.iv(),
          sealed.ciphertextAndTag())).isEmpty();
      assertThat(keys.open(issued.stored(), sealed.iv(), sealed.ciphertextAndTag(), AAD)).isEmpty();
      assertThat(keys.seal(issued.stored(), MESSAGE, AAD).ciphertextAndTag()).hasSize(30);
    }
  }

  @Test
  void seal_drawsAFreshIvEveryTime() throws Exception {
    WrappedSecret k = keys.generatePayloadKey(KEK, (RSAPublicKey) officer.getPublic()).stored();
    assertThat(keys.seal(k, MESSAGE, AAD).iv()).isNotEqualTo(keys.seal(k, MESSAGE, AAD).iv());
  }

  @Test
  void tamperedTag_otherAad_otherIv_otherKey_areRejected_withoutKeyMaterialInTheMessage()
      throws Exception {
    IssuedSecret issued = keys.generatePayloadKey(KEK, (RSAPublicKey) officer.getPublic());
    WrappedSecret k = issued.stored();
    WrappedSecret other = keys.generatePayloadKey(KEK, (RSAPublicKey) officer.getPublic()).stored();
    GcmSealed sealed = keys.seal(k, MESSAGE, AAD);
    byte[] flipped = sealed.ciphertextAndTag();
    flipped[flipped.length - 1] ^= 1;
    byte[] otherAad = "keygate-payload-v1|/demo.Echo/Say|AK1|n=1".getBytes(StandardCharsets.UTF_8);
    byte[] otherIv = sealed.iv();
    otherIv[0] ^= 1;
    String keyHex = HexFormat.of().formatHex(recipientKey(issued));

    assertRejected(() -> keys.open(k, sealed.iv(), flipped, AAD), keyHex);
    assertRejected(() -> keys.open(k, sealed.iv(), sealed.ciphertextAndTag(), otherAad), keyHex);
    assertRejected(() -> keys.open(k, otherIv, sealed.ciphertextAndTag(), AAD), keyHex);
    assertRejected(() -> keys.open(other, sealed.iv(), sealed.ciphertextAndTag(), AAD), keyHex);
    assertRejected(() -> keys.open(k, sealed.iv(), new byte[15], AAD), keyHex);
    // the token is fine afterwards
    assertThat(keys.open(k, sealed.iv(), sealed.ciphertextAndTag(), AAD)).isEqualTo(MESSAGE);
  }

  @Test
  void unknownPayloadKek_isKeyNotFound() throws Exception {
    WrappedSecret k = keys.generatePayloadKey(KEK, (RSAPublicKey) officer.getPublic()).stored();
    assertThatThrownBy(() -> keys.seal(new WrappedSecret(KekId.of("gone"), k.blob()), MESSAGE,
        AAD)).isInstanceOf(KeyNotFoundException.class);
    assertThatThrownBy(() -> keys.generatePayloadKey(KekId.of("gone"),
        (RSAPublicKey) officer.getPublic())).isInstanceOf(KeyNotFoundException.class);
  }

  @Test
  void rotation_rewrapsInsideTheToken_andOldBlobsStillOpen() throws Exception {
    IssuedSecret issued = keys.generatePayloadKey(KEK, (RSAPublicKey) officer.getPublic());
    GcmSealed before = keys.seal(issued.stored(), MESSAGE, AAD);
    WrappedSecret moved = keys.rewrap(issued.stored(), NEXT);
    assertThat(moved.kek()).isEqualTo(NEXT);
    assertThat(keys.open(moved, before.iv(), before.ciphertextAndTag(), AAD)).isEqualTo(MESSAGE);
    assertThat(keys.open(issued.stored(), before.iv(), before.ciphertextAndTag(), AAD))
        .isEqualTo(MESSAGE);
  }

  @Test
  void dataPlaneCopies_arePublicButSensitive_neverExtractable_andDoOneJobEach() throws Exception {
    WrappedSecret k = keys.generatePayloadKey(KEK, (RSAPublicKey) officer.getPublic()).stored();
    GcmSealed sealed = keys.seal(k, MESSAGE, AAD);
    keys.open(k, sealed.iv(), sealed.ciphertextAndTag(), AAD);
    int encryptOnly = 0;
    int decryptOnly = 0;
    try (Login user = Login.as(TOKENS, CKU_USER)) {
      for (long h : user.session.findAllObjectsSingle(
          AttributeVector.newAESSecretKey().token(false))) {
        AttributeVector a = user.session.getAttrValues(h, CKA_PRIVATE, CKA_SENSITIVE,
            CKA_EXTRACTABLE, CKA_ENCRYPT, CKA_DECRYPT, CKA_SIGN, CKA_WRAP);
        // public: SoftHSM2 does not decrypt the value on every seal and open (HierarchyTemplates)
        assertThat(a.private_()).isFalse();
        assertThat(a.sensitive()).isTrue();
        assertThat(a.extractable()).isFalse();
        assertThat(a.sign()).isFalse();
        assertThat(a.wrap()).isFalse();
        assertThat(a.encrypt()).isNotEqualTo(a.decrypt());
        encryptOnly += a.encrypt() ? 1 : 0;
        decryptOnly += a.decrypt() ? 1 : 0;
        assertThat(user.session.getAttrValues(h, CKA_VALUE).value()).isNull();
        Mechanism gcm = new Mechanism(CKM_AES_GCM, new GCM_PARAMS(new byte[12], AAD, 128));
        if (a.decrypt()) {
          assertThat(ckr(() -> user.session.encryptSingle(gcm, h, MESSAGE)))
              .isEqualTo("CKR_KEY_FUNCTION_NOT_PERMITTED");
        } else {
          assertThat(ckr(() -> user.session.decryptSingle(gcm, h, new byte[32])))
              .isEqualTo("CKR_KEY_FUNCTION_NOT_PERMITTED");
        }
      }
    }
    assertThat(encryptOnly).isPositive();
    assertThat(decryptOnly).isPositive();
  }

  @Test
  void pinHolder_cannotUnwrapAReadableOrExtractableOrSigningCopy() throws Exception {
    WrappedSecret k = keys.generatePayloadKey(KEK, (RSAPublicKey) officer.getPublic()).stored();
    try (Login user = Login.as(TOKENS, CKU_USER)) {
      long kek = KekHandles.find(user.session, KEK.payloadLabel())[0];
      Mechanism kwp = new Mechanism(CKM_AES_KEY_WRAP_PAD);
      AttributeVector readable = AttributeVector.newAESSecretKey().token(false).sensitive(false)
          .extractable(true).decrypt(true);
      AttributeVector untrustedWrap = AttributeVector.newAESSecretKey().token(false)
          .sign(false).verify(false).wrap(false).unwrap(false).derive(false).sensitive(true)
          .wrapWithTrusted(false).extractable(true).modifiable(false);
      AttributeVector wrapping = AttributeVector.newAESSecretKey().token(false).wrap(true)
          .sensitive(true);
      assertThat(ckr(() -> user.session.unwrapKey(kwp, kek, k.blob(), readable)))
          .isEqualTo("CKR_TEMPLATE_INCONSISTENT");
      assertThat(ckr(() -> user.session.unwrapKey(kwp, kek, k.blob(), untrustedWrap)))
          .isEqualTo("CKR_TEMPLATE_INCONSISTENT");
      assertThat(ckr(() -> user.session.unwrapKey(kwp, kek, k.blob(), wrapping)))
          .isEqualTo("CKR_TEMPLATE_INCONSISTENT");
      // a credential KEK cannot open a payload blob either: its template forces an HMAC key
    }
  }

  @Test
  void payloadKek_isTrusted_neverExtractable_andOnlyWrapsAndUnwraps() throws Exception {
    try (Login user = Login.as(TOKENS, CKU_USER)) {
      long kek = KekHandles.find(user.session, KEK.payloadLabel())[0];
      AttributeVector a = user.session.getAttrValues(kek, CKA_TRUSTED, CKA_SENSITIVE,
          CKA_EXTRACTABLE, CKA_NEVER_EXTRACTABLE, CKA_WRAP, CKA_UNWRAP, CKA_ENCRYPT, CKA_DECRYPT,
          CKA_SIGN);
      assertThat(a.trusted()).isTrue();
      assertThat(a.sensitive()).isTrue();
      assertThat(a.extractable()).isFalse();
      assertThat(a.neverExtractable()).isTrue();
      assertThat(a.wrap()).isTrue();
      assertThat(a.unwrap()).isTrue();
      assertThat(a.encrypt()).isFalse();
      assertThat(a.decrypt()).isFalse();
      assertThat(a.sign()).isFalse();
      // the KEK cannot be used to decrypt a blob into the clear either
      assertThat(ckr(() -> user.session.decryptSingle(new Mechanism(CKM_AES_KEY_WRAP_PAD), kek,
          new byte[40]))).isNotEqualTo("accepted");
    }
  }

  @Test
  void damagedBlob_isRejectedAsSuch_andTheTokenKeepsWorking() throws Exception {
    WrappedSecret good = keys.generatePayloadKey(KEK, (RSAPublicKey) officer.getPublic()).stored();
    byte[] blob = good.blob();
    blob[7] ^= 0x10;
    WrappedSecret damaged = new WrappedSecret(KEK, blob);
    assertThatThrownBy(() -> keys.seal(damaged, MESSAGE, AAD))
        .isInstanceOf(io.keygate.hsm.WrappedSecretRejectedException.class)
        .hasMessageNotContaining(damaged.encoded());
    // a payload blob presented as one of the other payload KEK does not unwrap either
    assertThatThrownBy(() -> keys.seal(new WrappedSecret(NEXT, good.blob()), MESSAGE, AAD))
        .isInstanceOf(io.keygate.hsm.WrappedSecretRejectedException.class);
    GcmSealed sealed = keys.seal(good, MESSAGE, AAD);
    assertThat(keys.open(good, sealed.iv(), sealed.ciphertextAndTag(), AAD)).isEqualTo(MESSAGE);
  }

  private static void assertRejected(TokenProbes.TokenCall call, String keyHex) {
    assertThatThrownBy(call::run)
        .isInstanceOf(CiphertextRejectedException.class)
        .satisfies(e -> assertThat(String.valueOf(e)).doesNotContainIgnoringCase(keyHex));
  }

  private static byte[] recipientKey(IssuedSecret issued) throws Exception {
    Cipher rsa = Cipher.getInstance(WrappedMacKeys.RECIPIENT_CIPHER);
    rsa.init(Cipher.DECRYPT_MODE, officer.getPrivate());
    return rsa.doFinal(issued.forRecipient());
  }

  private static byte[] jce(int mode, byte[] key, byte[] iv, byte[] input) throws Exception {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
    c.updateAAD(AAD);
    return c.doFinal(input);
  }
}
