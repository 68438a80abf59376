package io.keygate.hsm.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKG_MGF1_SHA1;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_GCM;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_WRAP_PAD;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_RSA_PKCS_OAEP;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA_1;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_ENCRYPTED_DATA_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_ENCRYPTED_DATA_LEN_RANGE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_GENERAL_ERROR;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_KEY_HANDLE_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_OBJECT_HANDLE_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKU_USER;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKZ_DATA_SPECIFIED;

import io.keygate.hsm.CiphertextRejectedException;
import io.keygate.hsm.GcmSealed;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.IssuedSecret;
import io.keygate.hsm.KekId;
import io.keygate.hsm.PayloadKeys;
import io.keygate.hsm.Pin;
import io.keygate.hsm.WrappedMacKeys;
import io.keygate.hsm.WrappedSecret;
import io.keygate.hsm.WrappedSecretRejectedException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.params.GCM_PARAMS;
import org.xipki.pkcs11.wrapper.params.RSA_PKCS_OAEP_PARAMS;

/**
 * {@link PayloadKeys} through direct PKCS#11 calls: C_Encrypt/C_Decrypt with {@code CKM_AES_GCM}
 * on session keys unwrapped under a payload KEK (SunPKCS11's JCA cipher cannot use a key it did not
 * make; this binding can). Its own sessions, so payload work and MAC verification do not queue on
 * each other. Thread-safe.
 */
public final class DirectPayloadKeys implements PayloadKeys, AutoCloseable {
  private static final int TAG_BITS = GcmSealed.TAG_BYTES * 8;

  private final DirectSessions sessions;
  private final UnwrappedKeyCache sealing;
  private final UnwrappedKeyCache opening;
  private final KekHandles keks = new KekHandles(KekId::payloadLabel);
  private final HsmCallLog calls;
  private final WorkingCopyPrivacy copies;
  private final SecureRandom random;

  private DirectPayloadKeys(DirectSessions sessions, int cacheKeys, String name, Clock clock,
      SecureRandom random) {
    this.sessions = sessions;
    this.sealing = new UnwrappedKeyCache(cacheKeys);
    this.opening = new UnwrappedKeyCache(cacheKeys);
    this.calls = new HsmCallLog(name, new HealthTracker(clock));
    this.copies = new WorkingCopyPrivacy(name);
    this.random = random;
  }

  /**
   * Opens the token {@code configFile} names with {@code sessions} user sessions, keeping at most
   * {@code cacheKeys} unwrapped keys per direction; IVs come from {@code random}. Zeroes {@code pin}.
   */
  public static DirectPayloadKeys open(Path configFile, Pin pin, int sessions, int cacheKeys,
      Clock clock, SecureRandom random) throws HsmException {
    try (pin) {
      DirectLibrary library = DirectLibrary.open(configFile);
      return new DirectPayloadKeys(DirectSessions.open(library, pin, CKU_USER, sessions),
          cacheKeys, "direct-payload:" + configFile, clock, random);
    }
  }

  @Override
  public IssuedSecret generatePayloadKey(KekId kek, RSAPublicKey recipient) throws HsmException {
    if (recipient == null
        || recipient.getModulus().bitLength() < WrappedMacKeys.MIN_RECIPIENT_BITS) {
      throw new IllegalArgumentException("the recipient key must be RSA of at least "
          + WrappedMacKeys.MIN_RECIPIENT_BITS + " bits");
    }
    return calls.call("generate-payload-key", kek.payloadLabel(), () -> sessions.with(s -> {
      long kekHandle = keks.handle(s, kek);
      long key = s.generateKey(new Mechanism(CKM_AES_KEY_GEN),
          PayloadKeyTemplates.newPayloadKey());
      try {
        byte[] blob = s.wrapKey(new Mechanism(CKM_AES_KEY_WRAP_PAD), kekHandle, key);
        long to = s.createObject(HierarchyTemplates.recipient(recipient.getModulus(),
            recipient.getPublicExponent()));
        try {
          return new IssuedSecret(new WrappedSecret(kek, blob), s.wrapKey(oaep(), to, key));
        } finally {
          DirectWrappedMacs.destroyQuietly(s, to);
        }
      } finally {
        DirectWrappedMacs.destroyQuietly(s, key);
      }
    }));
  }

  @Override
  public GcmSealed seal(WrappedSecret key, byte[] plaintext, byte[] aad) throws HsmException {
    byte[] iv = new byte[GcmSealed.IV_BYTES];
    random.nextBytes(iv);
    byte[] out = calls.call("payload-seal", key.kek().payloadLabel(), () -> sessions.with(s ->
        gcm(s, sealing, PayloadKeyTemplates::encryptOnlySessionKey, key, true, iv, aad,
            plaintext, true)));
    return new GcmSealed(iv, out);
  }

  @Override
  public byte[] open(WrappedSecret key, byte[] iv, byte[] ciphertextAndTag, byte[] aad)
      throws HsmException {
    if (iv == null || iv.length != GcmSealed.IV_BYTES || ciphertextAndTag == null
        || ciphertextAndTag.length < GcmSealed.TAG_BYTES) {
      throw new CiphertextRejectedException("a GCM sealing is a 12-byte IV and at least a tag");
    }
    return calls.call("payload-open", key.kek().payloadLabel(), () -> sessions.with(s ->
        gcm(s, opening, PayloadKeyTemplates::decryptOnlySessionKey, key, false, iv, aad,
            ciphertextAndTag, true)));
  }

  private byte[] gcm(Session s, UnwrappedKeyCache cache, WorkingCopyPrivacy.Template template,
      WrappedSecret key, boolean encrypt, byte[] iv, byte[] aad, byte[] input, boolean mayRetry)
      throws Exception {
    try (UnwrappedKeyCache.Lease lease = cache.acquire(key, opsOn(s, template))) {
      Mechanism gcm = new Mechanism(CKM_AES_GCM,
          new GCM_PARAMS(iv, aad == null ? new byte[0] : aad, TAG_BITS));
      try {
        if (!encrypt) {
          return s.decryptSingle(gcm, lease.handle(), input);
        }
        if (input.length == 0) {
          // An empty plaintext reaches SoftHSM's C_Encrypt as a null pointer: CKR_ARGUMENTS_BAD,
          // and the session is left with its operation active. C_EncryptFinal alone gives the tag.
          s.encryptInit(gcm, lease.handle());
          return s.encryptFinal();
        }
        return s.encryptSingle(gcm, lease.handle(), input);
      } catch (PKCS11Exception e) {
        long ckr = e.getErrorCode();
        // SoftHSM2 answers a tag that does not verify with CKR_GENERAL_ERROR, as a broken token
        // would: if the token still finds the KEK on this session, it was the data.
        if (!encrypt && (ckr == CKR_ENCRYPTED_DATA_INVALID || ckr == CKR_ENCRYPTED_DATA_LEN_RANGE
            || (ckr == CKR_GENERAL_ERROR && tokenAnswers(s, key)))) {
          throw new CiphertextRejectedException("the payload did not authenticate",
              e.getErrorName(), null);
        }
        if (mayRetry && (ckr == CKR_KEY_HANDLE_INVALID || ckr == CKR_OBJECT_HANDLE_INVALID)) {
          lease.invalidate();
        } else {
          throw e;
        }
      }
    }
    return gcm(s, cache, template, key, encrypt, iv, aad, input, false);
  }

  @Override
  public WrappedSecret rewrap(WrappedSecret key, KekId to) throws HsmException {
    return calls.call("payload-rewrap", to.payloadLabel(), () -> sessions.with(s -> {
      long from = keks.handle(s, key.kek());
      long into = keks.handle(s, to);
      long copy = unwrap(s, from, key, PayloadKeyTemplates.rewrapSessionKey());
      try {
        return new WrappedSecret(to, s.wrapKey(new Mechanism(CKM_AES_KEY_WRAP_PAD), into, copy));
      } finally {
        DirectWrappedMacs.destroyQuietly(s, copy);
      }
    }));
  }

  /** Whether the token holds the payload KEK {@code kek}, asked of the token now. */
  public boolean hasKek(KekId kek) throws HsmException {
    return calls.call("find-payload-kek", kek.payloadLabel(),
        () -> sessions.with(s -> keks.exists(s, kek)));
  }

  /** Unwrapped keys held now, both directions together. */
  public int cachedKeys() {
    return sealing.size() + opening.size();
  }

  @Override
  public void close() {
    sealing.clear();
    opening.clear();
    sessions.close();
  }

  private UnwrappedKeyCache.TokenOps opsOn(Session s, WorkingCopyPrivacy.Template template) {
    return new UnwrappedKeyCache.TokenOps() {
      @Override
      public long unwrap(WrappedSecret secret) throws HsmException {
        try {
          long kek = keks.handle(s, secret.kek());
          return copies.unwrap(template, t -> DirectPayloadKeys.this.unwrap(s, kek, secret, t));
        } catch (PKCS11Exception e) {
          if (e.getErrorCode() == CKR_KEY_HANDLE_INVALID
              || e.getErrorCode() == CKR_OBJECT_HANDLE_INVALID) {
            keks.forget(secret.kek());
          }
          throw Pkcs11Failures.translate("unwrap under payload KEK " + secret.kek(), e);
        }
      }

      @Override
      public void destroy(long handle) {
        DirectWrappedMacs.destroyQuietly(s, handle);
      }
    };
  }

  private long unwrap(Session s, long kek, WrappedSecret key, AttributeVector template)
      throws PKCS11Exception, WrappedSecretRejectedException {
    try {
      return s.unwrapKey(new Mechanism(CKM_AES_KEY_WRAP_PAD), kek, key.blob(), template);
    } catch (PKCS11Exception e) {
      // SoftHSM answers a blob that fails its integrity check with CKR_GENERAL_ERROR, as a broken
      // token would: if the token still finds the KEK, it was the blob (as DirectWrappedMacs).
      if (e.getErrorName().startsWith("CKR_WRAPPED_KEY")
          || (e.getErrorCode() == CKR_GENERAL_ERROR && tokenAnswers(s, key))) {
        throw new WrappedSecretRejectedException(key + " does not unwrap under its payload KEK",
            e.getErrorName(), null);
      }
      throw e;
    }
  }

  private static boolean tokenAnswers(Session s, WrappedSecret key) {
    try {
      return KekHandles.find(s, key.kek().payloadLabel()).length > 0;
    } catch (PKCS11Exception | RuntimeException e) {
      return false;
    }
  }

  private static Mechanism oaep() {
    return new Mechanism(CKM_RSA_PKCS_OAEP,
        new RSA_PKCS_OAEP_PARAMS(CKM_SHA_1, CKG_MGF1_SHA1, CKZ_DATA_SPECIFIED, null));
  }
}
