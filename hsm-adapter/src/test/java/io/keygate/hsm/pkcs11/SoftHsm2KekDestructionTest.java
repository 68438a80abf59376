package io.keygate.hsm.pkcs11;

import static io.keygate.hsm.pkcs11.TokenProbes.ckr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_MODIFIABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_PRIVATE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_TRUSTED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKU_SO;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKU_USER;

import io.keygate.hsm.IssuedSecret;
import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyNotFoundException;
import io.keygate.hsm.Pin;
import io.keygate.hsm.WrappedMacKeys;
import io.keygate.hsm.pkcs11.TokenProbes.Login;
import io.keygate.hsm.testing.RsaTestKeys;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

/**
 * Who can destroy a KEK on a real SoftHSM2 token (docs/key-hierarchy.md, "Destroying an old
 * KEK"): the probe behind the design of DestroyKek. The KEK is a public, trusted, unmodifiable
 * token object the security officer made; the node is logged in as the user. Each test logs in
 * and out on its own, because a process holds one login type per token at a time.
 */
class SoftHsm2KekDestructionTest {
  @RegisterExtension static final SoftHsmTokens TOKENS = new SoftHsmTokens("kekdestroy");

  private static final byte[] DATA = "POST\n/demo.Echo/Say".getBytes(StandardCharsets.UTF_8);

  private static KeyPair recipient;

  @BeforeAll
  static void recipientKey() throws Exception {
    recipient = RsaTestKeys.rsa3072(0);
  }

  /** The finding that shapes the design: the user PIN is enough to destroy the officer's KEK. */
  @Test
  void pinHolder_canDestroyTheOfficersKek() throws Exception {
    KekId kek = KekId.of("probe-user");
    generateAsOfficer(kek);
    try (Login user = Login.as(TOKENS, CKU_USER)) {
      long[] found = KekHandles.find(user.session, kek);
      assertThat(found).hasSize(1);
      AttributeVector a = user.session.getAttrValues(found[0], CKA_MODIFIABLE, CKA_PRIVATE,
          CKA_TRUSTED);
      assertThat(a.modifiable()).isFalse();
      assertThat(a.private_()).isFalse();
      assertThat(a.trusted()).isTrue();

      assertThat(ckr(() -> user.session.destroyObject(found[0]))).isEqualTo("accepted");
      assertThat(KekHandles.find(user.session, kek)).isEmpty();
    }
    try (DirectKekAdministration so = officer()) {
      assertThat(so.listKeks()).doesNotContain(kek);
    }
  }

  @Test
  void officer_canDestroyAKek_once() throws Exception {
    KekId kek = KekId.of("probe-so");
    try (DirectKekAdministration so = officer()) {
      so.generateKek(kek);
      so.destroyKek(kek);
      assertThat(so.listKeks()).doesNotContain(kek);
      assertThatThrownBy(() -> so.destroyKek(kek)).isInstanceOf(KeyNotFoundException.class);
    }
  }

  /**
   * CKA_DESTROYABLE=false at generation: SoftHSM honours it against everyone, the officer
   * included, and CKA_MODIFIABLE=false keeps it from being turned back. Such a KEK could never be
   * retired short of re-initialising the token; see the doc for why generation stays as it is.
   */
  @Test
  void kekMadeNotDestroyable_cannotBeDestroyedByAnyone() throws Exception {
    KekId kek = KekId.of("probe-fixed");
    try (Login so = Login.as(TOKENS, CKU_SO)) {
      so.session.generateKey(new Mechanism(CKM_AES_KEY_GEN), notDestroyableKek(kek));
    }
    try (Login user = Login.as(TOKENS, CKU_USER)) {
      long h = KekHandles.find(user.session, kek)[0];
      assertThat(ckr(() -> user.session.destroyObject(h))).isEqualTo("CKR_ACTION_PROHIBITED");
    }
    try (Login so = Login.as(TOKENS, CKU_SO)) {
      long h = KekHandles.find(so.session, kek)[0];
      assertThat(ckr(() -> so.session.destroyObject(h))).isEqualTo("CKR_ACTION_PROHIBITED");
      assertThat(ckr(() -> so.session.setAttributeValues(h, new AttributeVector().destroyable(true))))
          .isEqualTo("CKR_ACTION_PROHIBITED");
      assertThat(KekHandles.find(so.session, kek)).hasSize(1);
    }
  }

  /** The node's path: destroyed as the user, handle and unwrapped keys dropped with it. */
  @Test
  void node_destroysAKek_andNothingVerifiesUnderItAnyMore() throws Exception {
    KekId gone = KekId.of("node-gone");
    KekId kept = KekId.of("node-kept");
    generateAsOfficer(gone, kept);
    try (DirectWrappedMacs macs =
        DirectWrappedMacs.open(TOKENS.config(), TOKENS.pin(), 2, 10, Clock.systemUTC())) {
      IssuedSecret a = macs.generateHmacSecret(gone, 32, (RSAPublicKey) recipient.getPublic());
      IssuedSecret b = macs.generateHmacSecret(kept, 32, (RSAPublicKey) recipient.getPublic());
      byte[] macA = hmac(decrypt(a.forRecipient()));
      byte[] macB = hmac(decrypt(b.forRecipient()));
      macs.verifyMac(a.stored(), DATA, macA);
      macs.verifyMac(b.stored(), DATA, macB);
      assertThat(macs.cachedKeys()).isEqualTo(2);

      macs.destroyKek(gone);

      assertThat(macs.hasKek(gone)).isFalse();
      assertThat(macs.hasKek(kept)).isTrue();
      assertThat(macs.cachedKeys()).isEqualTo(1);
      // its cached verify-only key went with it: a blob under it no longer verifies here
      assertThatThrownBy(() -> macs.verifyMac(a.stored(), DATA, macA))
          .isInstanceOf(KeyNotFoundException.class);
      macs.verifyMac(b.stored(), DATA, macB);
      assertThatThrownBy(() -> macs.destroyKek(gone)).isInstanceOf(KeyNotFoundException.class);
    }
  }

  /** The production KEK template with CKA_DESTROYABLE=false, set before CKA_MODIFIABLE=false. */
  private static AttributeVector notDestroyableKek(KekId id) {
    return AttributeVector.newAESSecretKey()
        .valueLen(HierarchyTemplates.KEK_BYTES)
        .token(true)
        .private_(false)
        .trusted(true)
        .sensitive(true)
        .extractable(false)
        .wrap(true)
        .unwrap(true)
        .encrypt(false)
        .decrypt(false)
        .sign(false)
        .verify(false)
        .derive(false)
        .label(id.label().value())
        .unwrapTemplate(HierarchyTemplates.forcedOnUnwrap())
        .destroyable(false)
        .modifiable(false);
  }

  private static void generateAsOfficer(KekId... keks) throws Exception {
    try (DirectKekAdministration so = officer()) {
      for (KekId kek : keks) {
        so.generateKek(kek);
      }
    }
  }

  private static DirectKekAdministration officer() throws Exception {
    return DirectKekAdministration.openAsSecurityOfficer(
        TOKENS.config(), Pin.fromFile(TOKENS.soPinFile()));
  }

  private static byte[] decrypt(byte[] forRecipient) throws Exception {
    Cipher c = Cipher.getInstance(WrappedMacKeys.RECIPIENT_CIPHER);
    c.init(Cipher.DECRYPT_MODE, recipient.getPrivate());
    return c.doFinal(forRecipient);
  }

  private static byte[] hmac(byte[] key) throws Exception {
    Mac m = Mac.getInstance("HmacSHA256");
    m.init(new SecretKeySpec(key, "HmacSHA256"));
    return m.doFinal(DATA);
  }
}
