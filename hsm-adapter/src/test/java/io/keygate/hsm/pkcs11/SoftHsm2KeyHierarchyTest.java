package io.keygate.hsm.pkcs11;

import static io.keygate.hsm.pkcs11.TokenProbes.ckr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_ALWAYS_SENSITIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_DECRYPT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_ENCRYPT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_EXTRACTABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_MODIFIABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_NEVER_EXTRACTABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_PRIVATE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SENSITIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SIGN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_TRUSTED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_UNWRAP;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_VALUE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_VERIFY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_WRAP;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_GENERIC_SECRET;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_WRAP_PAD;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA256_HMAC;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKU_USER;

import io.keygate.hsm.HsmHealth;
import io.keygate.hsm.InvalidMacException;
import io.keygate.hsm.IssuedSecret;
import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyAlreadyExistsException;
import io.keygate.hsm.KeyNotFoundException;
import io.keygate.hsm.Pin;
import io.keygate.hsm.WrappedMacKeys;
import io.keygate.hsm.WrappedSecret;
import io.keygate.hsm.WrappedSecretRejectedException;
import io.keygate.hsm.pkcs11.TokenProbes.Login;
import io.keygate.hsm.testing.ProcessResult;
import io.keygate.hsm.testing.RsaTestKeys;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

/**
 * The key hierarchy on a real SoftHSM2 token: KEKs made by the security officer, secrets made in
 * the token and delivered wrapped, verified through unwrapped session keys, rewrapped under a new
 * KEK; and what a holder of the user PIN can still try (and not do) with a blob.
 */
class SoftHsm2KeyHierarchyTest {
  @RegisterExtension static final SoftHsmTokens TOKENS = new SoftHsmTokens("hierarchy");

  private static final KekId KEK = KekId.of("k1");
  private static final KekId NEXT = KekId.of("k2");
  private static final byte[] DATA = "POST\n/demo.Echo/Say\nx-ca-key:AK1".getBytes(StandardCharsets.UTF_8);

  private static DirectWrappedMacs macs;
  private static KeyPair officer;

  @BeforeAll
  static void officerMakesKeksThenNodeOpens() throws Exception {
    // PKCS#11 allows one login type per process and token: the officer's session ends first.
    try (DirectKekAdministration so = DirectKekAdministration.openAsSecurityOfficer(
        TOKENS.config(), Pin.fromFile(TOKENS.soPinFile()))) {
      so.generateKek(KEK);
      so.generateKek(NEXT);
      assertThatThrownBy(() -> so.generateKek(KEK)).isInstanceOf(KeyAlreadyExistsException.class);
      assertThat(so.listKeks()).containsExactly(KEK, NEXT);
    }
    macs = DirectWrappedMacs.open(TOKENS.config(), TOKENS.pin(), 2, 3, Clock.systemUTC());
    officer = RsaTestKeys.rsa3072(0);
  }

  @AfterAll
  static void close() {
    if (macs != null) {
      macs.close();
    }
  }

  @Test
  void issuedSecret_reachesOnlyTheRecipient_andVerifiesInTheToken() throws Exception {
    IssuedSecret issued = macs.generateHmacSecret(KEK, 32, (RSAPublicKey) officer.getPublic());
    byte[] secret = decrypt(issued.forRecipient());
    assertThat(secret).hasSize(32);
    assertThat(issued.stored().length()).isEqualTo(40);
    assertThat(indexOf(issued.stored().blob(), secret)).isEqualTo(-1);
    assertThat(issued.toString()).doesNotContain(issued.stored().encoded());

    macs.verifyMac(issued.stored(), DATA, hmac(secret, DATA));
    byte[] wrong = hmac(secret, DATA);
    wrong[0] ^= 1;
    assertThatThrownBy(() -> macs.verifyMac(issued.stored(), DATA, wrong))
        .isInstanceOf(InvalidMacException.class);
    assertThatThrownBy(() -> macs.verifyMac(issued.stored(), DATA, Arrays.copyOf(wrong, 31)))
        .isInstanceOf(InvalidMacException.class);
    assertThatThrownBy(() -> macs.verifyMac(issued.stored(), DATA, null))
        .isInstanceOf(InvalidMacException.class);
    // The right MAC with a byte more, and nothing at all: a wrong length is never a pass.
    byte[] right = hmac(secret, DATA);
    assertThatThrownBy(() -> macs.verifyMac(issued.stored(), DATA, Arrays.copyOf(right, 33)))
        .isInstanceOf(InvalidMacException.class);
    assertThatThrownBy(() -> macs.verifyMac(issued.stored(), DATA, new byte[0]))
        .isInstanceOf(InvalidMacException.class);
    assertThat(macs.health().isUp()).isTrue();
  }

  @Test
  void damagedBlob_isRejectedAsSuch_andTheTokenStaysUp() throws Exception {
    IssuedSecret good = issue();
    byte[] blob = good.stored().blob();
    blob[5] ^= 0x40;
    WrappedSecret damaged = new WrappedSecret(KEK, blob);

    assertThatThrownBy(() -> macs.verifyMac(damaged, DATA, new byte[32]))
        .isInstanceOf(WrappedSecretRejectedException.class)
        .hasMessageNotContaining(damaged.encoded());
    assertThatThrownBy(() -> macs.verifyMac(new WrappedSecret(KekId.of("nope"), good.stored().blob()),
            DATA, new byte[32]))
        .isInstanceOf(KeyNotFoundException.class);
    // a blob of KEK k1 presented as one of k2 does not unwrap either
    assertThatThrownBy(() -> macs.verifyMac(new WrappedSecret(NEXT, good.stored().blob()), DATA,
            new byte[32]))
        .isInstanceOf(WrappedSecretRejectedException.class);

    assertThat(macs.health().status()).isEqualTo(HsmHealth.Status.UP);
    macs.verifyMac(good.stored(), DATA, hmac(decrypt(good.forRecipient()), DATA));
  }

  @Test
  void rewrap_underTheNextKek_keepsTheSecret() throws Exception {
    IssuedSecret issued = issue();
    byte[] mac = hmac(decrypt(issued.forRecipient()), DATA);
    WrappedSecret moved = macs.rewrap(issued.stored(), NEXT);
    assertThat(moved.kek()).isEqualTo(NEXT);
    assertThat(moved.blob()).isNotEqualTo(issued.stored().blob());
    macs.verifyMac(moved, DATA, mac);
    macs.verifyMac(issued.stored(), DATA, mac);
  }

  @Test
  void cache_staysBounded_andUnwrapsOnlyOnMiss() throws Exception {
    List<IssuedSecret> secrets = List.of(issue(), issue(), issue(), issue());
    List<byte[]> macsOf = new ArrayList<>();
    for (IssuedSecret s : secrets) {
      macsOf.add(hmac(decrypt(s.forRecipient()), DATA));
    }
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < secrets.size(); i++) {
        macs.verifyMac(secrets.get(i).stored(), DATA, macsOf.get(i));
        assertThat(macs.cachedKeys()).isLessThanOrEqualTo(3);
      }
    }
    long before = macs.unwraps();
    macs.verifyMac(secrets.get(3).stored(), DATA, macsOf.get(3));
    macs.verifyMac(secrets.get(3).stored(), DATA, macsOf.get(3));
    assertThat(macs.unwraps()).isEqualTo(before); // the most recent one is still cached
  }

  @Test
  void coldSecret_calledFromManyThreadsAtOnce_isUnwrappedOnce() throws Exception {
    IssuedSecret issued = issue();
    byte[] mac = hmac(decrypt(issued.forRecipient()), DATA);
    long before = macs.unwraps();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Object>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Callable<Object> c = () -> {
          start.await();
          macs.verifyMac(issued.stored(), DATA, mac);
          return null;
        };
        calls.add(pool.submit(c));
      }
      start.countDown();
      for (Future<Object> f : calls) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(macs.unwraps() - before).isEqualTo(1);
  }

  @Test
  void handleDestroyedBehindTheCache_isUnwrappedAgainOnce() throws Exception {
    IssuedSecret issued = issue();
    byte[] mac = hmac(decrypt(issued.forRecipient()), DATA);
    macs.verifyMac(issued.stored(), DATA, mac);
    long before = macs.unwraps();
    try (Login attacker = Login.as(TOKENS, CKU_USER)) {
      // session objects are visible to every session of the process: destroy the unwrapped keys
      for (long h : attacker.session.findAllObjectsSingle(
          AttributeVector.newSecretKey(CKK_GENERIC_SECRET).token(false))) {
        attacker.session.destroyObject(h);
      }
    }
    macs.verifyMac(issued.stored(), DATA, mac);
    assertThat(macs.unwraps() - before).isEqualTo(1);
  }

  /**
   * The data plane's working copies are public objects (CKA_PRIVATE=false: SoftHSM2 then does not
   * decrypt the value again on every check), and that must give nobody anything: the copy stays
   * unreadable, unchangeable and verify-only, and another process, even one logged in with the
   * user PIN, does not see it at all.
   */
  @Test
  void workingCopy_isPublic_yetUnreadable_verifyOnly_andUnseenByAnotherProcess() throws Exception {
    IssuedSecret issued = issue();
    macs.verifyMac(issued.stored(), DATA, hmac(decrypt(issued.forRecipient()), DATA));
    try (Login attacker = Login.as(TOKENS, CKU_USER)) {
      Session s = attacker.session;
      long[] copies = s.findAllObjectsSingle(
          AttributeVector.newSecretKey(CKK_GENERIC_SECRET).token(false).extractable(false));
      assertThat(copies).isNotEmpty();
      for (long copy : copies) {
        AttributeVector a = s.getAttrValues(copy, CKA_PRIVATE, CKA_SENSITIVE, CKA_EXTRACTABLE,
            CKA_SIGN, CKA_VERIFY, CKA_MODIFIABLE);
        assertThat(a.private_()).isFalse();
        assertThat(a.sensitive()).isTrue();
        assertThat(a.extractable()).isFalse();
        assertThat(a.sign()).isFalse();
        assertThat(a.verify()).isTrue();
        assertThat(a.modifiable()).isFalse();
        assertThat(s.getAttrValues(copy, CKA_VALUE).getByteArrayAttrValue(CKA_VALUE)).isNull();
        assertThat(ckr(() -> { s.signInit(new Mechanism(CKM_SHA256_HMAC), copy); return 0L; }))
            .isEqualTo("CKR_KEY_FUNCTION_NOT_PERMITTED");
        assertThat(ckr(() -> { s.setAttributeValues(copy, new AttributeVector().private_(true)); return 0L; }))
            .isEqualTo("CKR_ACTION_PROHIBITED");
      }
    }
    // Another process, logged in: it lists the token's secret keys, the two (public) KEKs, and
    // none of this process's session objects.
    ProcessResult other = TOKENS.pkcs11Tool("hierarchy", "--list-objects", "--type", "secrkey");
    assertThat(other.exitCode()).as(other.output()).isZero();
    assertThat(other.output())
        .contains(KEK.label().value(), NEXT.label().value())
        .doesNotContain("Generic secret");
    assertThat(other.output().split("Secret Key Object", -1)).hasSize(3);
  }

  @Test
  void kek_isTrusted_neverExtractable_andOnlyWrapsAndUnwraps() throws Exception {
    try (Login user = Login.as(TOKENS, CKU_USER)) {
      long kek = KekHandles.find(user.session, KEK)[0];
      AttributeVector a = user.session.getAttrValues(kek, CKA_TRUSTED, CKA_SENSITIVE,
          CKA_EXTRACTABLE, CKA_NEVER_EXTRACTABLE, CKA_ALWAYS_SENSITIVE, CKA_WRAP, CKA_UNWRAP,
          CKA_ENCRYPT, CKA_DECRYPT, CKA_SIGN);
      assertThat(a.trusted()).isTrue();
      assertThat(a.sensitive()).isTrue();
      assertThat(a.extractable()).isFalse();
      assertThat(a.neverExtractable()).isTrue();
      assertThat(a.alwaysSensitive()).isTrue();
      assertThat(a.wrap()).isTrue();
      assertThat(a.unwrap()).isTrue();
      assertThat(a.encrypt()).isFalse();
      assertThat(a.decrypt()).isFalse();
      assertThat(a.sign()).isFalse();
    }
  }

  /** Attacks of a holder of the user PIN, with the blob from the config database in hand. */
  @Test
  void pinHolder_cannotMakeASigningOrReadableCopy() throws Exception {
    IssuedSecret issued = issue();
    byte[] blob = issued.stored().blob();
    try (Login attacker = Login.as(TOKENS, CKU_USER)) {
      Session s = attacker.session;
      long kek = KekHandles.find(s, KEK)[0];
      Mechanism kw = new Mechanism(CKM_AES_KEY_WRAP_PAD);
      AttributeVector signing = HierarchyTemplates.verifyOnlySessionKey().sign(true);
      assertThat(ckr(() -> s.unwrapKey(kw, kek, blob, signing))).isEqualTo("CKR_TEMPLATE_INCONSISTENT");
      AttributeVector readable = HierarchyTemplates.verifyOnlySessionKey().sensitive(false);
      assertThat(ckr(() -> s.unwrapKey(kw, kek, blob, readable))).isEqualTo("CKR_TEMPLATE_INCONSISTENT");
      AttributeVector changeable = HierarchyTemplates.verifyOnlySessionKey().modifiable(true);
      assertThat(ckr(() -> s.unwrapKey(kw, kek, blob, changeable))).isEqualTo("CKR_TEMPLATE_INCONSISTENT");
      AttributeVector anyTrusted = HierarchyTemplates.rewrapSessionKey().wrapWithTrusted(false);
      assertThat(ckr(() -> s.unwrapKey(kw, kek, blob, anyTrusted))).isEqualTo("CKR_TEMPLATE_INCONSISTENT");

      // what the template allows: a verify-only copy, extractable only to trusted keys
      long copy = s.unwrapKey(kw, kek, blob, HierarchyTemplates.rewrapSessionKey());
      assertThat(ckr(() -> { s.setAttributeValues(copy, new AttributeVector().sign(true)); return 0L; }))
          .isEqualTo("CKR_ACTION_PROHIBITED");
      assertThat(ckr(() -> s.copyObject(copy, new AttributeVector().sign(true))))
          .isEqualTo("CKR_ATTRIBUTE_READ_ONLY");
      assertThat(ckr(() -> { s.signInit(new Mechanism(CKM_SHA256_HMAC), copy); return 0L; }))
          .isEqualTo("CKR_KEY_FUNCTION_NOT_PERMITTED");
      long own = s.generateKey(new Mechanism(CKM_AES_KEY_GEN),
          AttributeVector.newAESSecretKey().valueLen(32).token(false).wrap(true).unwrap(true));
      assertThat(ckr(() -> s.wrapKey(kw, own, copy).length)).isEqualTo("CKR_KEY_NOT_WRAPPABLE");
      assertThat(ckr(() -> { s.setAttributeValues(own, new AttributeVector().trusted(true)); return 0L; }))
          .isEqualTo("CKR_ATTRIBUTE_READ_ONLY");
      // reading the value: the token refuses (the wrapper reports no value at all)
      assertThat(s.getAttrValues(copy, org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_VALUE)
              .getByteArrayAttrValue(org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_VALUE))
          .isNull();
    }
  }

  /** What a node issuing under the KEK checks at start: SoftHSM2 enforces both rules. */
  @Test
  void checkEnforcement_passes_andLeavesNoObjectBehind() throws Exception {
    int cached = macs.cachedKeys();

    macs.checkEnforcement(KEK);

    assertThat(macs.cachedKeys()).isEqualTo(cached);
    assertThat(macs.health().isUp()).isTrue();
  }

  private static IssuedSecret issue() throws Exception {
    return macs.generateHmacSecret(KEK, 32, (RSAPublicKey) officer.getPublic());
  }

  private static byte[] decrypt(byte[] forRecipient) throws Exception {
    Cipher c = Cipher.getInstance(WrappedMacKeys.RECIPIENT_CIPHER);
    c.init(Cipher.DECRYPT_MODE, officer.getPrivate());
    return c.doFinal(forRecipient);
  }

  private static byte[] hmac(byte[] key, byte[] data) throws Exception {
    Mac m = Mac.getInstance("HmacSHA256");
    m.init(new SecretKeySpec(key, "HmacSHA256"));
    return m.doFinal(data);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
