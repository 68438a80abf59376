package io.keygate.hsm.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SIGN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_TRUSTED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_UNWRAP_TEMPLATE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_VALUE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKG_MGF1_SHA1;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_GENERIC_SECRET;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_WRAP_PAD;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_GENERIC_SECRET_KEY_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_RSA_PKCS_OAEP;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA256_HMAC;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA_1;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKU_SO;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKU_USER;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKZ_DATA_SPECIFIED;

import iaik.pkcs.pkcs11.wrapper.CK_C_INITIALIZE_ARGS;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.IssuedSecret;
import io.keygate.hsm.KekId;
import io.keygate.hsm.WrappedMacKeys;
import io.keygate.hsm.testing.NssTokens;
import io.keygate.hsm.testing.RsaTestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.params.RSA_PKCS_OAEP_PARAMS;

/**
 * Can the key hierarchy (docs/key-hierarchy.md) run on NSS's software token? A probe, not a
 * contract: every assertion states what NSS 3.87 (Debian 12) does through ipkcs11wrapper 1.0.9,
 * so the class documents it and fails when NSS changes. Each test collects what it saw and
 * compares it with what NSS did when probed, so one run shows every difference.
 *
 * <p>In short: the mechanics run (once NSS is initialised with its database arguments, which
 * {@link DirectLibrary} does not pass), but NSS enforces none of the rules the hierarchy rests
 * on: there is no security officer, any user can make a "trusted" key, unwrap templates are not
 * kept, wrap-with-trusted and non-extractability are not enforced. The findings are written up in
 * docs/key-hierarchy.md ("Libraries") and docs/pkcs11-libraries.md.
 */
class NssKeyHierarchyProbeTest {
  @RegisterExtension static final NssTokens TOKENS = new NssTokens("hierarchy");

  private static final KekId KEK = KekId.of("k1");
  private static final byte[] DATA = "POST\n/demo.Echo/Say\nx-ca-key:AK1".getBytes(StandardCharsets.UTF_8);
  /** NSS's vendor mechanism: CKM_NSS (0xCE534350) + 2. */
  private static final long CKM_NSS_AES_KEY_WRAP_PAD = 0xCE534352L;
  /** PKCS#11 3.0's RFC 5649 mechanism (SoftHSM's CKM_AES_KEY_WRAP_PAD is RFC 5649 already). */
  private static final long CKM_AES_KEY_WRAP_KWP = 0x210BL;

  private static String openedBeforeInit;
  private static String initialisedWithArgs;
  private static final Map<String, String> SO_LOGIN = new LinkedHashMap<>();
  private static DirectLibrary library;
  private static Session user;
  private static long kek;
  private static KeyPair officer;

  @BeforeAll
  static void initialiseNssAndMakeAKekAsTheUser() throws Exception {
    // Before anything has initialised NSS in this JVM: DirectLibrary as it is today.
    openedBeforeInit = outcome(() -> DirectLibrary.open(TOKENS.config()));
    // What DirectLibrary would have to do: C_Initialize with the config's nssArgs as pReserved.
    // ipkcs11wrapper's PKCS11Module.initialize() takes no arguments; its IAIK layer passes a
    // String pReserved through as a C string.
    CK_C_INITIALIZE_ARGS args = new CK_C_INITIALIZE_ARGS();
    args.flags = 2; // CKF_OS_LOCKING_OK, as PKCS11Module.initialize() sets it
    args.pReserved = nssArgs();
    PKCS11Module module = PKCS11Module.getInstance(configValue("library"));
    initialisedWithArgs = outcome(() -> {
      module.getPKCS11Module().C_Initialize(args, true);
      return null;
    });
    library = DirectLibrary.open(TOKENS.config());
    // Login state is per token and process: try the officer before anyone logs in as the user.
    Session so = library.token().openSession(true);
    try {
      SO_LOGIN.put("C_Login CKU_SO, user PIN", outcome(() -> {
        so.login(CKU_SO, TOKENS.pin().unsafeChars());
        return null;
      }));
      SO_LOGIN.put("C_Login CKU_SO, empty PIN", outcome(() -> {
        so.login(CKU_SO, new char[0]);
        return null;
      }));
      SO_LOGIN.put("DirectKekAdministration.openAsSecurityOfficer, nobody logged in",
          outcome(() -> DirectKekAdministration.openAsSecurityOfficer(TOKENS.config(), TOKENS.pin())));
    } finally {
      so.closeSession();
    }
    user = library.token().openSession(true);
    user.login(CKU_USER, TOKENS.pin().unsafeChars());
    // No security officer on NSS (below): the user makes the KEK with the SO's template.
    kek = user.generateKey(new Mechanism(CKM_AES_KEY_GEN), HierarchyTemplates.kek(KEK));
    officer = RsaTestKeys.rsa3072(0);
  }

  @AfterAll
  static void close() throws Exception {
    if (user != null) {
      user.closeSession();
    }
  }

  @Test
  void directLibrary_failsArgumentsBad_untilNssIsInitialisedWithItsDatabaseArguments() {
    Map<String, String> seen = new LinkedHashMap<>();
    seen.put("DirectLibrary.open, nothing initialised", openedBeforeInit);
    seen.put("C_Initialize with pReserved = nssArgs", initialisedWithArgs);
    seen.put("DirectLibrary.open afterwards", outcome(() -> DirectLibrary.open(TOKENS.config())));
    assertThat(seen).containsExactlyEntriesOf(ordered(
        "DirectLibrary.open, nothing initialised", "TokenUnavailableException:CKR_ARGUMENTS_BAD",
        "C_Initialize with pReserved = nssArgs", "ok",
        "DirectLibrary.open afterwards", "ok"));
  }

  @Test
  void securityOfficer_cannotLogIn_andTheOfficersToolRefusesToRunAsTheUser() {
    Map<String, String> seen = new LinkedHashMap<>(SO_LOGIN);
    // With the user logged in, NSS answers an SO login with CKR_USER_ALREADY_LOGGED_IN (SoftHSM's
    // code answers CKR_USER_ANOTHER_ALREADY_LOGGED_IN; not tested here). DirectSessions then asks
    // the session what it may do, finds user functions, and refuses: the officer's tool does not
    // quietly run as the user (it did before it asked).
    seen.put("DirectKekAdministration.openAsSecurityOfficer, user logged in",
        outcome(() -> DirectKekAdministration.openAsSecurityOfficer(TOKENS.config(), TOKENS.pin())));
    assertThat(seen).containsExactlyEntriesOf(ordered(
        "C_Login CKU_SO, user PIN", "CKR_USER_TYPE_INVALID",
        "C_Login CKU_SO, empty PIN", "CKR_USER_TYPE_INVALID",
        "DirectKekAdministration.openAsSecurityOfficer, nobody logged in",
        "TokenUnavailableException:CKR_USER_TYPE_INVALID",
        "DirectKekAdministration.openAsSecurityOfficer, user logged in", "LoginFailedException:-"));
  }

  @Test
  void anyUser_makesATrustedKek_andNssReturnsNoUnwrapTemplate() throws Exception {
    Map<String, String> seen = new LinkedHashMap<>();
    seen.put("KEK CKA_TRUSTED (made by the user)", outcome(() -> user.getAttrValues(kek, CKA_TRUSTED).trusted()));
    seen.put("KEK CKA_UNWRAP_TEMPLATE read back", outcome(() -> {
      var a = user.getAttrValues(kek, CKA_UNWRAP_TEMPLATE).getAttribute(CKA_UNWRAP_TEMPLATE);
      return a == null ? "absent" : "present=" + a.isPresent() + ",value=" + a.getValue();
    }));
    seen.put("user's session AES key made with CKA_TRUSTED=true", outcome(() -> {
      long own = user.generateKey(new Mechanism(CKM_AES_KEY_GEN), ownAesKey().trusted(true));
      return user.getAttrValues(own, CKA_TRUSTED).trusted();
    }));
    seen.put("C_SetAttributeValue CKA_TRUSTED on the user's key", outcome(() -> {
      long own = user.generateKey(new Mechanism(CKM_AES_KEY_GEN), ownAesKey());
      user.setAttributeValues(own, new AttributeVector().trusted(true));
      return null;
    }));
    assertThat(seen).containsExactlyEntriesOf(ordered(
        "KEK CKA_TRUSTED (made by the user)", "ok:true",
        "KEK CKA_UNWRAP_TEMPLATE read back", "ok:present=true,value=null",
        "user's session AES key made with CKA_TRUSTED=true", "ok:true",
        "C_SetAttributeValue CKA_TRUSTED on the user's key", "CKR_ATTRIBUTE_TYPE_INVALID"));
  }

  @Test
  void mechanisms_run_butKeyWrapPadIsRfc3394WithPkcs7_andAWrongMacIsNotSignatureInvalid() throws Exception {
    Map<String, String> seen = new LinkedHashMap<>();
    long secret = user.generateKey(new Mechanism(CKM_GENERIC_SECRET_KEY_GEN), HierarchyTemplates.newSecret(32));
    byte[] plain = recipientPlaintext(user, secret);
    seen.put("RSA-OAEP SHA-1 wrap, decrypted by the JDK", String.valueOf(plain.length));
    seen.put("RSA-OAEP SHA-256 wrap", outcome(() -> user.wrapKey(new Mechanism(CKM_RSA_PKCS_OAEP,
        new RSA_PKCS_OAEP_PARAMS(0x250L /* CKM_SHA256 */, 0x2L /* CKG_MGF1_SHA256 */, CKZ_DATA_SPECIFIED, null)),
        recipient(user), secret).length));
    // A wrapping key whose value the JDK knows, to tell the formats apart.
    byte[] known = new byte[32];
    Arrays.fill(known, (byte) 7);
    long knownKey = user.createObject(ownAesKey().value(known));
    for (long mech : new long[] {CKM_AES_KEY_WRAP_PAD, CKM_NSS_AES_KEY_WRAP_PAD}) {
      String name = mechName(mech);
      seen.put(name + " blob length for 32 bytes", outcome(() -> user.wrapKey(new Mechanism(mech), kek, secret).length));
      seen.put(name + " opens with AES/KWP/NoPadding (RFC 5649)",
          outcome(() -> Arrays.equals(jdkUnwrap("AES/KWP/NoPadding", known, user.wrapKey(new Mechanism(mech), knownKey, secret)), plain)));
      seen.put(name + " opens with AES/KW/PKCS5Padding (RFC 3394 + PKCS#7)",
          outcome(() -> Arrays.equals(jdkUnwrap("AES/KW/PKCS5Padding", known, user.wrapKey(new Mechanism(mech), knownKey, secret)), plain)));
    }
    seen.put("CKM_AES_KEY_WRAP_KWP (0x210B) wrap", outcome(() -> user.wrapKey(new Mechanism(CKM_AES_KEY_WRAP_KWP), kek, secret).length));
    byte[] blob = user.wrapKey(new Mechanism(CKM_AES_KEY_WRAP_PAD), kek, secret);
    long v = user.unwrapKey(new Mechanism(CKM_AES_KEY_WRAP_PAD), kek, blob, HierarchyTemplates.verifyOnlySessionKey());
    byte[] mac = hmac(plain, DATA);
    seen.put("C_Verify, right MAC", outcome(() -> verify(user, v, mac)));
    byte[] wrong = mac.clone();
    wrong[0] ^= 1;
    // NSS maps a failed HMAC compare to the thread's last NSS error: none on a fresh thread
    // (CKR_DEVICE_ERROR), and whatever failed last otherwise.
    seen.put("C_Verify, wrong MAC, fresh thread", onFreshThread(() -> verify(user, v, wrong)));
    // NSS compares 32 bytes whatever length it is given (sftk_HMACCmp ignores sigLen): a longer
    // MAC with the right prefix passes, and a shorter one is read past its end, so its answer is
    // whatever byte follows the buffer (mostly a failure, 1 time in 256 "ok"). That read is
    // undefined behaviour and not probed; DirectWrappedMacs checks the length before C_Verify.
    byte[] longer = Arrays.copyOf(mac, 33);
    seen.put("C_Verify, the right MAC and one byte more", onFreshThread(() -> verify(user, v, longer)));
    seen.put("C_Verify, wrong MAC, after a CKR_BUFFER_TOO_SMALL", onFreshThread(() -> {
      outcome(() -> user.wrapKey(new Mechanism(CKM_AES_KEY_WRAP_KWP), kek, secret));
      return verify(user, v, wrong);
    }));
    seen.put("C_SignInit on the verify-only key", outcome(() -> {
      user.signInit(new Mechanism(CKM_SHA256_HMAC), v);
      return null;
    }));
    seen.put("CKA_VALUE of the verify-only key", outcome(() -> user.getAttrValues(v, CKA_VALUE).getByteArrayAttrValue(CKA_VALUE) == null ? "refused" : "read"));
    assertThat(seen).containsExactlyEntriesOf(ordered(
        "RSA-OAEP SHA-1 wrap, decrypted by the JDK", "32",
        "RSA-OAEP SHA-256 wrap", "ok:384",
        "CKM_AES_KEY_WRAP_PAD blob length for 32 bytes", "ok:48",
        "CKM_AES_KEY_WRAP_PAD opens with AES/KWP/NoPadding (RFC 5649)", "IllegalBlockSizeException",
        "CKM_AES_KEY_WRAP_PAD opens with AES/KW/PKCS5Padding (RFC 3394 + PKCS#7)", "ok:true",
        "CKM_NSS_AES_KEY_WRAP_PAD blob length for 32 bytes", "ok:48",
        "CKM_NSS_AES_KEY_WRAP_PAD opens with AES/KWP/NoPadding (RFC 5649)", "IllegalBlockSizeException",
        "CKM_NSS_AES_KEY_WRAP_PAD opens with AES/KW/PKCS5Padding (RFC 3394 + PKCS#7)", "ok:true",
        "CKM_AES_KEY_WRAP_KWP (0x210B) wrap", "CKR_BUFFER_TOO_SMALL",
        "C_Verify, right MAC", "ok",
        "C_Verify, wrong MAC, fresh thread", "CKR_DEVICE_ERROR",
        "C_Verify, the right MAC and one byte more", "ok",
        "C_Verify, wrong MAC, after a CKR_BUFFER_TOO_SMALL", "CKR_BUFFER_TOO_SMALL",
        "C_SignInit on the verify-only key", "CKR_KEY_TYPE_INCONSISTENT",
        "CKA_VALUE of the verify-only key", "ok:refused"));
  }

  /** What SoftHSM refuses (SoftHsm2KeyHierarchyTest.pinHolder_cannotMakeASigningOrReadableCopy). */
  @Test
  void pinHolder_withABlob_getsTheSecretAndASigningKey() throws Exception {
    Map<String, String> seen = new LinkedHashMap<>();
    long secret = user.generateKey(new Mechanism(CKM_GENERIC_SECRET_KEY_GEN), HierarchyTemplates.newSecret(32));
    byte[] plain = recipientPlaintext(user, secret);
    byte[] mac = hmac(plain, DATA);
    byte[] blob = user.wrapKey(new Mechanism(CKM_AES_KEY_WRAP_PAD), kek, secret);
    Mechanism kw = new Mechanism(CKM_AES_KEY_WRAP_PAD);
    seen.put("unwrap with CKA_SIGN=true, then C_Sign gives the real MAC", outcome(() -> {
      long k = user.unwrapKey(kw, kek, blob, HierarchyTemplates.verifyOnlySessionKey().sign(true));
      return Arrays.equals(sign(user, k), mac);
    }));
    seen.put("unwrap with CKA_SENSITIVE=false, then CKA_VALUE is the secret", outcome(() -> {
      long k = user.unwrapKey(kw, kek, blob, AttributeVector.newSecretKey(CKK_GENERIC_SECRET)
          .token(false).sensitive(false).extractable(true));
      return Arrays.equals(user.getAttrValues(k, CKA_VALUE).getByteArrayAttrValue(CKA_VALUE), plain);
    }));
    long verifyOnly = user.unwrapKey(kw, kek, blob, HierarchyTemplates.verifyOnlySessionKey());
    seen.put("C_SetAttributeValue CKA_SIGN=true on the verify-only key", outcome(() -> {
      user.setAttributeValues(verifyOnly, new AttributeVector().sign(true));
      return null;
    }));
    seen.put("C_CopyObject of the verify-only key with CKA_SIGN=true, then C_Sign", outcome(() -> {
      long copy = user.copyObject(verifyOnly, new AttributeVector().sign(true));
      return user.getAttrValues(copy, CKA_SIGN).sign() + "," + Arrays.equals(sign(user, copy), mac);
    }));
    long own = user.generateKey(new Mechanism(CKM_AES_KEY_GEN), ownAesKey());
    long rewrapCopy = user.unwrapKey(kw, kek, blob, HierarchyTemplates.rewrapSessionKey());
    seen.put("wrap a CKA_WRAP_WITH_TRUSTED key under the user's own AES key", outcome(() -> user.wrapKey(kw, own, rewrapCopy).length));
    seen.put("wrap the non-extractable verify-only key under the user's own AES key", outcome(() -> user.wrapKey(kw, own, verifyOnly).length));
    assertThat(seen).containsExactlyEntriesOf(ordered(
        "unwrap with CKA_SIGN=true, then C_Sign gives the real MAC", "ok:true",
        "unwrap with CKA_SENSITIVE=false, then CKA_VALUE is the secret", "ok:true",
        "C_SetAttributeValue CKA_SIGN=true on the verify-only key", "CKR_ATTRIBUTE_READ_ONLY",
        "C_CopyObject of the verify-only key with CKA_SIGN=true, then C_Sign", "ok:true,true",
        "wrap a CKA_WRAP_WITH_TRUSTED key under the user's own AES key", "ok:48",
        "wrap the non-extractable verify-only key under the user's own AES key", "ok:48"));
  }

  /** The production classes on NSS, once NSS has been initialised with its arguments. */
  @Test
  void directWrappedMacs_issuesAndVerifies_butAWrongMacMarksTheTokenDown() throws Exception {
    Map<String, String> seen = new LinkedHashMap<>();
    try (DirectWrappedMacs macs = DirectWrappedMacs.open(TOKENS.config(), TOKENS.pin(), 2, 10, Clock.systemUTC())) {
      IssuedSecret issued = macs.generateHmacSecret(KEK, 32, (RSAPublicKey) officer.getPublic());
      byte[] secret = decryptForOfficer(issued.forRecipient());
      seen.put("stored blob length", String.valueOf(issued.stored().length()));
      seen.put("verifyMac, right MAC", outcome(() -> {
        macs.verifyMac(issued.stored(), DATA, hmac(secret, DATA));
        return null;
      }));
      // What C_Verify would pass or read past (above), refused before the token sees it.
      byte[] longer = Arrays.copyOf(hmac(secret, DATA), 33);
      seen.put("verifyMac, the right MAC and one byte more", onFreshThread(() -> {
        macs.verifyMac(issued.stored(), DATA, longer);
        return null;
      }));
      seen.put("verifyMac, the right MAC's first 31 bytes", onFreshThread(() -> {
        macs.verifyMac(issued.stored(), DATA, Arrays.copyOf(longer, 31));
        return null;
      }));
      seen.put("verifyMac, an empty MAC", onFreshThread(() -> {
        macs.verifyMac(issued.stored(), DATA, new byte[0]);
        return null;
      }));
      seen.put("health after the wrong-length MACs", macs.health().status().toString());
      byte[] wrong = hmac(secret, DATA);
      wrong[0] ^= 1;
      seen.put("verifyMac, wrong MAC, fresh thread", onFreshThread(() -> {
        macs.verifyMac(issued.stored(), DATA, wrong);
        return null;
      }));
      seen.put("health after the wrong MAC", macs.health().status().toString());
      seen.put("rewrap to the same KEK", outcome(() -> macs.rewrap(issued.stored(), KEK).length()));
      seen.put("checkEnforcement (a node issuing under the KEK runs it at start)",
          outcome(() -> {
            macs.checkEnforcement(KEK);
            return null;
          }));
    }
    assertThat(seen).containsExactlyEntriesOf(ordered(
        "stored blob length", "48",
        "verifyMac, right MAC", "ok",
        "verifyMac, the right MAC and one byte more", "InvalidMacException",
        "verifyMac, the right MAC's first 31 bytes", "InvalidMacException",
        "verifyMac, an empty MAC", "InvalidMacException",
        "health after the wrong-length MACs", "UP",
        "verifyMac, wrong MAC, fresh thread", "TokenUnavailableException:CKR_DEVICE_ERROR",
        "health after the wrong MAC", "DOWN",
        "rewrap to the same KEK", "ok:48",
        "checkEnforcement (a node issuing under the KEK runs it at start)",
        "HsmOperationException:-"));
  }

  /** {@link #outcome} of a call on a thread that has made no NSS call yet. */
  private static String onFreshThread(Call call) throws Exception {
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      return thread.submit(() -> outcome(call)).get();
    } finally {
      thread.shutdownNow();
    }
  }

  private static AttributeVector ownAesKey() {
    return AttributeVector.newAESSecretKey().valueLen(32).token(false).wrap(true).unwrap(true)
        .sensitive(false).extractable(true);
  }

  private static long recipient(Session s) throws PKCS11Exception {
    RSAPublicKey pub = (RSAPublicKey) officer.getPublic();
    return s.createObject(HierarchyTemplates.recipient(pub.getModulus(), pub.getPublicExponent()));
  }

  private static byte[] recipientPlaintext(Session s, long secret) throws Exception {
    Mechanism oaep = new Mechanism(CKM_RSA_PKCS_OAEP,
        new RSA_PKCS_OAEP_PARAMS(CKM_SHA_1, CKG_MGF1_SHA1, CKZ_DATA_SPECIFIED, null));
    return decryptForOfficer(s.wrapKey(oaep, recipient(s), secret));
  }

  private static byte[] decryptForOfficer(byte[] wrapped) throws Exception {
    Cipher c = Cipher.getInstance(WrappedMacKeys.RECIPIENT_CIPHER);
    c.init(Cipher.DECRYPT_MODE, officer.getPrivate());
    return c.doFinal(wrapped);
  }

  private static byte[] jdkUnwrap(String transformation, byte[] key, byte[] wrapped) throws Exception {
    Cipher c = Cipher.getInstance(transformation);
    c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"));
    return c.doFinal(wrapped);
  }

  private static Object verify(Session s, long key, byte[] mac) throws PKCS11Exception {
    s.verifyInit(new Mechanism(CKM_SHA256_HMAC), key);
    s.verify(DATA, mac);
    return null;
  }

  private static byte[] sign(Session s, long key) throws PKCS11Exception {
    s.signInit(new Mechanism(CKM_SHA256_HMAC), key);
    return s.sign(DATA);
  }

  private static byte[] hmac(byte[] key, byte[] data) throws Exception {
    Mac m = Mac.getInstance("HmacSHA256");
    m.init(new SecretKeySpec(key, "HmacSHA256"));
    return m.doFinal(data);
  }

  private static String mechName(long mech) {
    return mech == CKM_AES_KEY_WRAP_PAD ? "CKM_AES_KEY_WRAP_PAD"
        : mech == CKM_NSS_AES_KEY_WRAP_PAD ? "CKM_NSS_AES_KEY_WRAP_PAD" : "CKM_AES_KEY_WRAP_KWP";
  }

  private static String nssArgs() throws Exception {
    String quoted = configValue("nssArgs");
    return quoted.substring(1, quoted.length() - 1);
  }

  private static String configValue(String key) throws Exception {
    for (String line : Files.readAllLines(TOKENS.config())) {
      if (line.startsWith(key + " ")) {
        return line.substring(line.indexOf('=') + 1).strip();
      }
    }
    throw new IllegalStateException(TOKENS.config() + " has no " + key);
  }

  private static Map<String, String> ordered(String... keysAndValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  @FunctionalInterface
  private interface Call {
    Object run() throws Exception;
  }

  /** "ok", "ok:" and what a call returned, the CKR name it failed with, or the exception. */
  private static String outcome(Call call) {
    try {
      Object r = call.run();
      if (r instanceof AutoCloseable c) {
        c.close();
      }
      return r == null || r instanceof DirectLibrary || r instanceof AutoCloseable ? "ok" : "ok:" + r;
    } catch (PKCS11Exception e) {
      return e.getErrorName();
    } catch (HsmException e) {
      return e.getClass().getSimpleName() + ":" + e.pkcs11Error().orElse("-");
    } catch (Exception e) {
      return e.getClass().getSimpleName();
    }
  }
}
