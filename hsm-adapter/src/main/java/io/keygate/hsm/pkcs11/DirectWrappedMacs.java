package io.keygate.hsm.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKG_MGF1_SHA1;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_WRAP_PAD;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_GENERIC_SECRET_KEY_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_RSA_PKCS_OAEP;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA_1;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_GENERAL_ERROR;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_KEY_HANDLE_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_OBJECT_HANDLE_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_SIGNATURE_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_SIGNATURE_LEN_RANGE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKU_USER;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKZ_DATA_SPECIFIED;

import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmHealth;
import io.keygate.hsm.InvalidMacException;
import io.keygate.hsm.IssuedSecret;
import io.keygate.hsm.IssuedSecretBatch;
import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyNotFoundException;
import io.keygate.hsm.Pin;
import io.keygate.hsm.WrappedMacKeys;
import io.keygate.hsm.WrappedSecret;
import io.keygate.hsm.WrappedSecretRejectedException;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.params.RSA_PKCS_OAEP_PARAMS;

/**
 * {@link WrappedMacKeys} through direct PKCS#11 calls ({@link DirectLibrary}): the key hierarchy
 * of docs/key-hierarchy.md. Thread-safe; as many calls run in the token at once as it has
 * sessions.
 */
public final class DirectWrappedMacs implements WrappedMacKeys, AutoCloseable {
  /** Sessions, and so calls in the token at once, by default: SoftHSM's HMAC does not scale past 2. */
  public static final int DEFAULT_SESSIONS = 2;

  /** Unwrapped keys kept by default: about 425 MB of SoftHSM native memory when full. */
  public static final int DEFAULT_CACHE_KEYS = 50_000;

  /** What SoftHSM answers for a blob that is not one of this KEK's. */
  private static final Set<String> BLOB_REJECTED =
      Set.of(
          "CKR_WRAPPED_KEY_INVALID",
          "CKR_WRAPPED_KEY_LEN_RANGE",
          "CKR_ENCRYPTED_DATA_INVALID",
          "CKR_ENCRYPTED_DATA_LEN_RANGE",
          "CKR_DATA_INVALID",
          "CKR_DATA_LEN_RANGE");

  /**
   * Secrets a batch makes per borrowed session: between slices the data plane's verifies get the
   * session back, so a 10,000-secret call does not hold a session for its whole run.
   */
  private static final int BATCH_SLICE = 250;

  /**
   * The length of an HMAC-SHA256, the only MAC a verify-only key checks. Checked here, before the
   * token sees the MAC: PKCS#11 leaves a wrong length to the library, and NSS softokn compares the
   * full 32 bytes whatever length it is given, so a 33-byte MAC with the right prefix passes and a
   * shorter one is read past its end (NssKeyHierarchyProbeTest).
   */
  static final int MAC_BYTES = 32;

  private final DirectSessions sessions;
  private final UnwrappedKeyCache cache;
  private final KekHandles keks = new KekHandles();
  private final HealthTracker health;
  private final HsmCallLog calls;
  private final MacCheck check;
  private final WorkingCopyPrivacy copies;

  private DirectWrappedMacs(DirectSessions sessions, MacCheck check, int cacheKeys, String name,
      Clock clock) {
    this.sessions = sessions;
    this.check = check;
    this.cache = new UnwrappedKeyCache(cacheKeys);
    this.health = new HealthTracker(clock);
    this.calls = new HsmCallLog(name, health);
    this.copies = new WorkingCopyPrivacy(name);
  }

  /**
   * Opens the token {@code configFile} (SunPKCS11's format) names with {@code sessions} sessions
   * logged in as the user, keeping at most {@code cacheKeys} unwrapped keys. Zeroes {@code pin}.
   */
  public static DirectWrappedMacs open(
      Path configFile, Pin pin, int sessions, int cacheKeys, Clock clock) throws HsmException {
    try (pin) {
      DirectLibrary library = DirectLibrary.open(configFile);
      return new DirectWrappedMacs(
          DirectSessions.open(library, pin, CKU_USER, sessions), library.macCheck(), cacheKeys,
          "direct:" + configFile, clock);
    }
  }

  @Override
  public IssuedSecret generateHmacSecret(KekId kek, int secretBytes, RSAPublicKey recipient)
      throws HsmException {
    checkSecretSize(secretBytes);
    checkRecipient(recipient);
    return calls.call("generate-wrapped-secret", kek.label(), () -> sessions.with(s -> {
      long kekHandle = keks.handle(s, kek);
      long secret = s.generateKey(new Mechanism(CKM_GENERIC_SECRET_KEY_GEN),
          HierarchyTemplates.newSecret(secretBytes));
      try {
        byte[] blob = s.wrapKey(new Mechanism(CKM_AES_KEY_WRAP_PAD), kekHandle, secret);
        long to = s.createObject(
            HierarchyTemplates.recipient(recipient.getModulus(), recipient.getPublicExponent()));
        try {
          byte[] forRecipient = s.wrapKey(oaep(), to, secret);
          return new IssuedSecret(new WrappedSecret(kek, blob), forRecipient);
        } finally {
          destroyQuietly(s, to);
        }
      } finally {
        destroyQuietly(s, secret);
      }
    }));
  }

  @Override
  public IssuedSecretBatch generateHmacSecrets(KekId kek, int secretBytes, int count,
      RSAPublicKey recipient) throws HsmException {
    checkSecretSize(secretBytes);
    checkRecipient(recipient);
    if (count < 1 || count > MAX_BATCH) {
      throw new IllegalArgumentException("a batch is 1 to " + MAX_BATCH + " secrets");
    }
    // The transport key is a session object: every session of this process may use it, so the
    // slices below can run on whichever session is free. It is destroyed on every path.
    long[] transport = new long[1];
    byte[] forRecipient = calls.call("generate-transport-key", kek.label(), () -> sessions.with(s -> {
      keks.handle(s, kek); // a missing KEK fails before anything is made
      transport[0] = s.generateKey(new Mechanism(CKM_AES_KEY_GEN),
          HierarchyTemplates.transportKey());
      long to = s.createObject(
          HierarchyTemplates.recipient(recipient.getModulus(), recipient.getPublicExponent()));
      try {
        return s.wrapKey(oaep(), to, transport[0]);
      } catch (PKCS11Exception | RuntimeException e) {
        destroyQuietly(s, transport[0]);
        throw e;
      } finally {
        destroyQuietly(s, to);
      }
    }));
    List<WrappedSecret> stored = new ArrayList<>(count);
    List<byte[]> wrapped = new ArrayList<>(count);
    try {
      while (stored.size() < count) {
        int slice = Math.min(BATCH_SLICE, count - stored.size());
        calls.call("generate-wrapped-secrets", kek.label(), () -> sessions.with(s -> {
          long kekHandle = keks.handle(s, kek);
          for (int i = 0; i < slice; i++) {
            long secret = s.generateKey(new Mechanism(CKM_GENERIC_SECRET_KEY_GEN),
                HierarchyTemplates.newSecret(secretBytes));
            try {
              stored.add(new WrappedSecret(kek,
                  s.wrapKey(new Mechanism(CKM_AES_KEY_WRAP_PAD), kekHandle, secret)));
              wrapped.add(s.wrapKey(new Mechanism(CKM_AES_KEY_WRAP_PAD), transport[0], secret));
            } finally {
              destroyQuietly(s, secret);
            }
          }
          return null;
        }));
      }
    } finally {
      destroyTransportKey(transport[0]);
    }
    return new IssuedSecretBatch(forRecipient, stored, wrapped);
  }

  private void destroyTransportKey(long handle) {
    try {
      sessions.with(s -> {
        destroyQuietly(s, handle);
        return null;
      });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the key goes with its session at the latest
    } catch (Exception e) {
      // destroyQuietly throws nothing; a session object that cannot be destroyed goes with it
    }
  }

  private static void checkSecretSize(int secretBytes) {
    if (secretBytes < Pkcs11Session.MIN_HMAC_SECRET_BYTES || secretBytes > 64
        || secretBytes % 8 != 0) {
      throw new IllegalArgumentException("an HMAC secret is 32 to 64 bytes, a multiple of 8");
    }
  }

  private static void checkRecipient(RSAPublicKey recipient) {
    if (recipient == null || recipient.getModulus().bitLength() < MIN_RECIPIENT_BITS) {
      throw new IllegalArgumentException(
          "the recipient key must be RSA of at least " + MIN_RECIPIENT_BITS + " bits");
    }
  }

  @Override
  public void verifyMac(WrappedSecret secret, byte[] data, byte[] mac)
      throws InvalidMacException, HsmException {
    if (mac == null || data == null || mac.length != MAC_BYTES) {
      throw new InvalidMacException(secret.toString());
    }
    boolean valid = calls.call("verify-mac", secret.kek().label(),
        () -> sessions.with(s -> verifyOnce(s, secret, data, mac, true)));
    if (!valid) {
      throw new InvalidMacException(secret.toString());
    }
  }

  private boolean verifyOnce(Session s, WrappedSecret secret, byte[] data, byte[] mac,
      boolean mayRetry) throws Exception {
    try (UnwrappedKeyCache.Lease lease = cache.acquire(secret, opsOn(s))) {
      long ckr = check.verify(s, lease.handle(), data, mac);
      if (ckr == MacCheck.CKR_OK) {
        return true;
      }
      if (ckr == CKR_SIGNATURE_INVALID || ckr == CKR_SIGNATURE_LEN_RANGE) {
        return false;
      }
      if (mayRetry && (ckr == CKR_KEY_HANDLE_INVALID || ckr == CKR_OBJECT_HANDLE_INVALID)) {
        lease.invalidate();
      } else {
        throw new PKCS11Exception(ckr);
      }
    }
    return verifyOnce(s, secret, data, mac, false);
  }

  /** Which binding checks MACs ("jdk" or "wrapper"): for the start-up log and tests. */
  String macBinding() {
    return check.name();
  }

  @Override
  public WrappedSecret rewrap(WrappedSecret secret, KekId to) throws HsmException {
    return calls.call("rewrap", to.label(), () -> sessions.with(s -> {
      long from = keks.handle(s, secret.kek());
      long into = keks.handle(s, to);
      long copy = unwrap(s, from, secret, HierarchyTemplates.rewrapSessionKey());
      try {
        return new WrappedSecret(to, s.wrapKey(new Mechanism(CKM_AES_KEY_WRAP_PAD), into, copy));
      } finally {
        destroyQuietly(s, copy);
      }
    }));
  }

  @Override
  public void checkEnforcement(KekId kek) throws HsmException {
    calls.call("check-enforcement", kek.label(), () -> sessions.with(s -> {
      HierarchyEnforcementProbe.run(s, keks.handle(s, kek), kek, copies);
      return null;
    }));
  }

  @Override
  public boolean hasKek(KekId kek) throws HsmException {
    return calls.call("find-kek", kek.label(), () -> sessions.with(s -> keks.exists(s, kek)));
  }

  @Override
  public void destroyKek(KekId kek) throws HsmException {
    calls.call("destroy-kek", kek.label(), () -> sessions.with(s -> {
      long[] found = KekHandles.find(s, kek);
      if (found.length == 0) {
        throw new KeyNotFoundException("the token holds no KEK " + kek);
      }
      for (long h : found) {
        s.destroyObject(h);
      }
      keks.forget(kek); // after: a lookup racing with the destruction finds nothing to keep
      // Verify-only keys unwrapped under it would go on verifying here until evicted.
      for (long h : cache.removeUnder(kek)) {
        destroyQuietly(s, h);
      }
      return null;
    }));
  }

  /** What the last call saw of the token. */
  public HsmHealth health() {
    return health.get();
  }

  /** Unwrapped keys held now. */
  public int cachedKeys() {
    return cache.size();
  }

  /** Unwraps since start (cache misses). */
  public long unwraps() {
    return cache.unwraps();
  }

  @Override
  public void close() {
    cache.clear();
    sessions.close();
  }

  private UnwrappedKeyCache.TokenOps opsOn(Session s) {
    return new UnwrappedKeyCache.TokenOps() {
      @Override
      public long unwrap(WrappedSecret secret) throws HsmException {
        try {
          long kek = keks.handle(s, secret.kek());
          try {
            return copies.unwrap(HierarchyTemplates::verifyOnlySessionKey,
                template -> DirectWrappedMacs.unwrap(s, kek, secret, template));
          } catch (PKCS11Exception e) {
            if (e.getErrorCode() == CKR_KEY_HANDLE_INVALID
                || e.getErrorCode() == CKR_OBJECT_HANDLE_INVALID) {
              keks.forget(secret.kek());
            }
            throw e;
          }
        } catch (PKCS11Exception e) {
          throw Pkcs11Failures.translate("unwrap under " + secret.kek(), e);
        }
      }

      @Override
      public void destroy(long handle) {
        destroyQuietly(s, handle);
      }
    };
  }

  private static long unwrap(Session s, long kek, WrappedSecret secret,
      AttributeVector template) throws PKCS11Exception,
      WrappedSecretRejectedException {
    try {
      return s.unwrapKey(new Mechanism(CKM_AES_KEY_WRAP_PAD), kek, secret.blob(), template);
    } catch (PKCS11Exception e) {
      if (BLOB_REJECTED.contains(e.getErrorName())
          || (e.getErrorCode() == CKR_GENERAL_ERROR && tokenAnswers(s, secret.kek()))) {
        throw new WrappedSecretRejectedException(
            secret + " does not unwrap under its KEK", e.getErrorName(), null);
      }
      throw e;
    }
  }

  /**
   * SoftHSM answers a blob whose integrity check fails with CKR_GENERAL_ERROR, which is also what a
   * broken token says. One cheap call on the same session tells them apart: if the token still
   * finds the KEK, it was the blob.
   */
  private static boolean tokenAnswers(Session s, KekId kek) {
    try {
      return KekHandles.find(s, kek).length > 0;
    } catch (PKCS11Exception | RuntimeException e) {
      return false;
    }
  }

  private static Mechanism oaep() {
    return new Mechanism(CKM_RSA_PKCS_OAEP,
        new RSA_PKCS_OAEP_PARAMS(CKM_SHA_1, CKG_MGF1_SHA1, CKZ_DATA_SPECIFIED, null));
  }

  static void destroyQuietly(Session s, long handle) {
    try {
      s.destroyObject(handle);
    } catch (PKCS11Exception | RuntimeException e) {
      // a session object that cannot be destroyed goes with the session
    }
  }
}
