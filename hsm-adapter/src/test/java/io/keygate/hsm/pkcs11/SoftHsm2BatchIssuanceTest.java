package io.keygate.hsm.pkcs11;

import static io.keygate.hsm.pkcs11.TokenProbes.ckr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_EXTRACTABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SENSITIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SIGN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_VERIFY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_WRAP;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_GENERIC_SECRET;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_WRAP_PAD;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKU_USER;

import io.keygate.hsm.IssuedSecretBatch;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * Bulk issuance on a real SoftHSM2 token: many secrets made in the token for one requester, each
 * wrapped under the KEK for the store and under a one-time transport key for the reply; the
 * transport key reaches the requester only RSA-OAEP-encrypted, and nothing but the blobs is left.
 */
class SoftHsm2BatchIssuanceTest {
  @RegisterExtension static final SoftHsmTokens TOKENS = new SoftHsmTokens("batch");

  private static final KekId KEK = KekId.of("k1");
  private static final byte[] DATA = "POST\n/demo.Echo/Say\nx-ca-key:AK1".getBytes(StandardCharsets.UTF_8);

  private static DirectWrappedMacs macs;
  private static KeyPair requester;

  @BeforeAll
  static void officerMakesTheKekThenNodeOpens() throws Exception {
    try (DirectKekAdministration so = DirectKekAdministration.openAsSecurityOfficer(
        TOKENS.config(), Pin.fromFile(TOKENS.soPinFile()))) {
      so.generateKek(KEK);
    }
    macs = DirectWrappedMacs.open(TOKENS.config(), TOKENS.pin(), 2, 1_000, Clock.systemUTC());
    requester = RsaTestKeys.rsa3072(0);
  }

  @AfterAll
  static void close() {
    if (macs != null) {
      macs.close();
    }
  }

  @Test
  void everySecret_opensWithTheTransportKey_andVerifiesInTheToken() throws Exception {
    // more than one slice, so the batch crosses borrowed sessions
    IssuedSecretBatch batch = macs.generateHmacSecrets(KEK, 32, 600, publicKey());
    assertThat(batch.size()).isEqualTo(600);
    SecretKeySpec transport = transportKey(batch);
    Set<String> distinct = new HashSet<>();
    for (int i = 0; i < batch.size(); i++) {
      assertThat(batch.forRecipient(i)).hasSize(40);
      assertThat(batch.stored(i).length()).isEqualTo(40);
      assertThat(batch.stored(i).kek()).isEqualTo(KEK);
      byte[] secret = unwrap(transport, batch.forRecipient(i));
      assertThat(secret).hasSize(32);
      assertThat(batch.stored(i).blob()).isNotEqualTo(batch.forRecipient(i));
      distinct.add(java.util.HexFormat.of().formatHex(secret));
      if (i % 50 == 0) {
        macs.verifyMac(batch.stored(i), DATA, hmac(secret, DATA));
      }
    }
    assertThat(distinct).hasSize(600);
    assertThat(batch.toString()).contains("600 secrets").doesNotContain(batch.stored(0).encoded());
  }

  @Test
  void storedBlobs_unwrapOnlyIntoVerifyOnlySensitiveKeys_thatCannotBeExtracted() throws Exception {
    IssuedSecretBatch batch = macs.generateHmacSecrets(KEK, 32, 3, publicKey());
    try (Login user = Login.as(TOKENS, CKU_USER)) {
      Session s = user.session;
      long kek = KekHandles.find(s, KEK)[0];
      Mechanism kw = new Mechanism(CKM_AES_KEY_WRAP_PAD);
      for (int i = 0; i < batch.size(); i++) {
        byte[] blob = batch.stored(i).blob();
        long key = s.unwrapKey(kw, kek, blob, HierarchyTemplates.verifyOnlySessionKey());
        AttributeVector a = s.getAttrValues(key, CKA_SIGN, CKA_VERIFY, CKA_SENSITIVE,
            CKA_EXTRACTABLE);
        assertThat(a.sign()).isFalse();
        assertThat(a.verify()).isTrue();
        assertThat(a.sensitive()).isTrue();
        assertThat(a.extractable()).isFalse();
        s.destroyObject(key);
        assertThat(ckr(() -> s.unwrapKey(kw, kek, blob,
            HierarchyTemplates.verifyOnlySessionKey().sign(true))))
            .isEqualTo("CKR_TEMPLATE_INCONSISTENT");
      }
    }
  }

  @Test
  void aBatch_leavesNoWorkingCopyNorTransportKeyInTheToken() throws Exception {
    try (Login user = Login.as(TOKENS, CKU_USER)) {
      int before = extractableSessionKeys(user.session);
      macs.generateHmacSecrets(KEK, 32, 20, publicKey());
      assertThat(extractableSessionKeys(user.session)).isEqualTo(before);
      assertThatThrownBy(() -> macs.generateHmacSecrets(KekId.of("nope"), 32, 2, publicKey()))
          .isInstanceOf(KeyNotFoundException.class);
      assertThat(extractableSessionKeys(user.session)).isEqualTo(before);
    }
  }

  @Test
  void countsOutsideOneToTheMaximum_areRefusedBeforeTheToken() {
    for (int count : new int[] {0, -1, WrappedMacKeys.MAX_BATCH + 1}) {
      assertThatThrownBy(() -> macs.generateHmacSecrets(KEK, 32, count, publicKey()))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  private static RSAPublicKey publicKey() {
    return (RSAPublicKey) requester.getPublic();
  }

  /** Session keys anyone could still wrap out: a working copy or a transport key left behind. */
  private static int extractableSessionKeys(Session s) throws PKCS11Exception {
    List<Long> found = new ArrayList<>();
    for (long h : s.findAllObjectsSingle(
        AttributeVector.newSecretKey(CKK_GENERIC_SECRET).token(false).extractable(true))) {
      found.add(h);
    }
    for (long h : s.findAllObjectsSingle(AttributeVector.newAESSecretKey().token(false))) {
      if (s.getAttrValues(h, CKA_WRAP).wrap()) {
        found.add(h);
      }
    }
    return found.size();
  }

  private static SecretKeySpec transportKey(IssuedSecretBatch batch) throws Exception {
    Cipher rsa = Cipher.getInstance(WrappedMacKeys.RECIPIENT_CIPHER);
    rsa.init(Cipher.DECRYPT_MODE, requester.getPrivate());
    byte[] key = rsa.doFinal(batch.transportKeyForRecipient());
    assertThat(key).hasSize(32);
    return new SecretKeySpec(key, "AES");
  }

  private static byte[] unwrap(SecretKeySpec transport, byte[] wrapped) throws Exception {
    Cipher kwp = Cipher.getInstance(IssuedSecretBatch.SECRET_CIPHER, "SunJCE");
    kwp.init(Cipher.DECRYPT_MODE, transport);
    return kwp.doFinal(wrapped);
  }

  private static byte[] hmac(byte[] key, byte[] data) throws Exception {
    Mac m = Mac.getInstance("HmacSHA256");
    m.init(new SecretKeySpec(key, "HmacSHA256"));
    return m.doFinal(data);
  }
}
