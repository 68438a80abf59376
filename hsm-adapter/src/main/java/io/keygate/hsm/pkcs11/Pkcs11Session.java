package io.keygate.hsm.pkcs11;

import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmHealth;
import io.keygate.hsm.HsmOperationException;
import io.keygate.hsm.KeyAlreadyExistsException;
import io.keygate.hsm.KeyInfo;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.KeyNotFoundException;
import io.keygate.hsm.KeyType;
import io.keygate.hsm.Pin;
import io.keygate.hsm.SecretBytes;
import io.keygate.hsm.TokenHealth;
import io.keygate.hsm.TokenUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AuthProvider;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * One logged-in SunPKCS11 provider on one slot: the login, the health canary, and the choke
 * point every token call goes through ({@link HsmCallLog}). The capability classes of this
 * package borrow it to find keys; none of them opens or closes anything.
 *
 * <p>The provider is always passed explicitly; it is also registered with {@link Security} only
 * because JSSE finds the signature implementation for a TLS private key by searching the
 * registered providers.
 */
final class Pkcs11Session implements TokenHealth {
  /** SoftHSM refuses shorter HMAC keys, and shorter AccessSecrets would be too weak anyway. */
  static final int MIN_HMAC_SECRET_BYTES = 32;

  /**
   * A key the adapter keeps in every token it opens. SoftHSM (and some HSMs) keep answering "no
   * such object" after their storage has vanished; when a key is missing we use the canary to tell
   * "this key is gone" from "the token is gone". Never destroy it.
   */
  static final KeyLabel CANARY = KeyLabel.of("keygate.canary");

  private final String name;
  private final Provider provider;
  private final boolean registered;
  private final Pin pin;
  private final TokenKeys keys;
  private final HealthTracker health;
  private final HsmCallLog calls;
  private final Pkcs11TokenOptions options;

  private Pkcs11Session(
      Provider provider, boolean registered, Pin pin, TokenKeys keys, HealthTracker health,
      Pkcs11TokenOptions options) {
    this.name = provider.getName();
    this.provider = provider;
    this.registered = registered;
    this.pin = pin;
    this.keys = keys;
    this.health = health;
    this.calls = new HsmCallLog(name, health);
    this.options = options;
  }

  /**
   * Configures SunPKCS11 from {@code configFile}, logs in and makes sure the canary exists. Takes
   * ownership of {@code pin} and zeroes it on {@link #close()}.
   */
  static Pkcs11Session open(Path configFile, Pin pin, Pkcs11TokenOptions options)
      throws HsmException {
    if (!Files.isReadable(configFile)) {
      throw new TokenUnavailableException("SunPKCS11 config is not readable: " + configFile);
    }
    HealthTracker health = new HealthTracker(options.clock());
    Provider provider;
    try {
      Provider base = Security.getProvider("SunPKCS11");
      if (base == null) {
        throw new TokenUnavailableException("this JDK has no SunPKCS11 provider");
      }
      provider = base.configure(configFile.toString());
    } catch (RuntimeException e) {
      throw new TokenUnavailableException(
          "cannot initialise the PKCS#11 library or slot of " + configFile
              + " (is the library's environment, e.g. SOFTHSM2_CONF, set for this process,"
              + " and the slot id current?)",
          Pkcs11Failures.ckrName(e),
          e);
    }
    TokenKeys keys =
        new TokenKeys(keyStoreOf(provider), pin, options.clock(), options.minRefreshInterval());
    new HsmCallLog(provider.getName(), health)
        .call(
            "login",
            null,
            () -> {
              keys.refresh();
              return null;
            });
    boolean registered = Security.addProvider(provider) != -1;
    Pkcs11Session session = new Pkcs11Session(provider, registered, pin, keys, health, options);
    try {
      session.ensureCanary();
    } catch (HsmException e) {
      session.close();
      throw e;
    }
    return session;
  }

  private static KeyStore keyStoreOf(Provider provider) throws TokenUnavailableException {
    try {
      return KeyStore.getInstance("PKCS11", provider);
    } catch (Exception e) {
      throw new TokenUnavailableException("token has no key store", null, e);
    }
  }

  // ---------------------------------------------------------------- what capabilities borrow

  String name() {
    return name;
  }

  Provider provider() {
    return provider;
  }

  TokenKeys keys() {
    return keys;
  }

  Pkcs11TokenOptions options() {
    return options;
  }

  /** Runs one token call through the choke point: timed, logged, errors typed, health kept. */
  <T> T call(String operation, KeyLabel label, HsmCallLog.Call<T> body) throws HsmException {
    return calls.call(operation, label, body);
  }

  /** Work done with the key behind a label; provider exceptions pass through to the call log. */
  @FunctionalInterface
  interface KeyWork<T> {
    T apply(Key key) throws Exception;
  }

  /**
   * Runs {@code work} with the key under {@code label}. If another process destroyed or replaced
   * the key since we cached its handle, forgets the handle and tries once more with a fresh one.
   * Any other failure, with or without a CKR name, passes through unchanged to be typed.
   */
  <T> T withKey(KeyLabel label, KeyType type, KeyWork<T> work) throws Exception {
    Key key = requireKey(label, type);
    try {
      return work.apply(key);
    } catch (Exception e) {
      if (!Pkcs11Failures.isHandleGone(e)) {
        throw e;
      }
      keys.forget(label);
      keys.refresh();
      return work.apply(requireKey(label, type));
    }
  }

  Key requireKey(KeyLabel label, KeyType type) throws Exception {
    Key key = keys.find(label);
    if (key == null) {
      if (!canaryAlive()) {
        throw new TokenUnavailableException("token storage lost: the health canary is gone");
      }
      throw new KeyNotFoundException("no key " + label + " in the token");
    }
    if (typeOf(key) != type) {
      throw new KeyNotFoundException("key " + label + " is not of type " + type);
    }
    return key;
  }

  void requireAbsent(KeyLabel label) throws Exception {
    if (keys.contains(label)) {
      throw new KeyAlreadyExistsException("a key " + label + " already exists");
    }
  }

  /** The certificate chain stored with an EC key, leaf first. */
  List<X509Certificate> chainOf(KeyLabel label) throws Exception {
    Certificate[] chain = keys.store().getCertificateChain(label.value());
    if (chain == null || chain.length == 0) {
      throw new KeyNotFoundException("no certificate stored with key " + label);
    }
    List<X509Certificate> out = new ArrayList<>();
    for (Certificate c : chain) {
      out.add((X509Certificate) c);
    }
    return List.copyOf(out);
  }

  /** Metadata of a key just stored: re-read from the token, so it shows what the token kept. */
  KeyInfo describeLoaded(KeyLabel label) throws Exception {
    keys.forget(label);
    Key key = keys.find(label);
    if (key == null) {
      throw new HsmOperationException("key " + label + " was not found after it was stored");
    }
    return describe(label, key);
  }

  KeyInfo describe(KeyLabel label, Key key) throws Exception {
    KeyType type = typeOf(key);
    P11KeyFlags flags = P11KeyFlags.of(key);
    Instant created = null;
    if (type == KeyType.EC_P256) {
      created = chainOf(label).get(0).getNotBefore().toInstant();
    }
    return new KeyInfo(
        label, type, created, flags.tokenObject(), flags.sensitive(), flags.extractable());
  }

  static KeyType typeOf(Key key) {
    if (key instanceof SecretKey) {
      return "AES".equalsIgnoreCase(key.getAlgorithm()) ? KeyType.AES_256 : KeyType.HMAC_SECRET;
    }
    if (key instanceof PrivateKey && "EC".equals(key.getAlgorithm())) {
      return KeyType.EC_P256;
    }
    return KeyType.OTHER;
  }

  byte[] hmac(Key key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256", provider);
    mac.init(key);
    return mac.doFinal(data);
  }

  // ---------------------------------------------------------------- canary and health

  private void ensureCanary() throws HsmException {
    calls.call(
        "ensure-canary",
        CANARY,
        () -> {
          if (!keys.contains(CANARY)) {
            try (SecretBytes secret =
                SecretBytes.random(MIN_HMAC_SECRET_BYTES, options.random())) {
              byte[] raw = secret.unsafeCopy();
              try {
                keys.store()
                    .setEntry(
                        CANARY.value(),
                        new KeyStore.SecretKeyEntry(new SecretKeySpec(raw, "HmacSHA256")),
                        null);
              } finally {
                Arrays.fill(raw, (byte) 0);
              }
            }
          }
          return null;
        });
  }

  /** True if the canary key can still be used: the token's storage is there. */
  private boolean canaryAlive() throws Exception {
    for (int attempt = 0; attempt < 2; attempt++) {
      Key canary = keys.find(CANARY);
      if (canary == null) {
        return false;
      }
      try {
        hmac(canary, new byte[1]);
        return true;
      } catch (Exception e) {
        if (!Pkcs11Failures.isHandleGone(e)) {
          throw e;
        }
        keys.forget(CANARY);
        keys.refresh();
      }
    }
    return false;
  }

  @Override
  public HsmHealth health() {
    return health.get();
  }

  @Override
  public HsmHealth probe() {
    try {
      calls.call(
          "probe",
          CANARY,
          () -> {
            // O(1) whatever the token holds: one HMAC with the canary's cached handle. The key
            // list is re-read only if that handle is gone (canaryAlive), never on a healthy probe.
            if (!canaryAlive()) {
              throw new TokenUnavailableException("token storage lost: the health canary is gone");
            }
            return null;
          });
    } catch (HsmException e) {
      // The call log has already recorded the failure in the health status.
    }
    return health.get();
  }

  /** Logs out and releases the provider; zeroes the PIN. */
  void close() {
    try {
      if (provider instanceof AuthProvider) {
        ((AuthProvider) provider).logout();
      }
    } catch (Exception e) {
      // The token may already be gone; closing must still release what we hold.
    } finally {
      if (registered) {
        Security.removeProvider(provider.getName());
      }
      pin.close();
    }
  }
}
