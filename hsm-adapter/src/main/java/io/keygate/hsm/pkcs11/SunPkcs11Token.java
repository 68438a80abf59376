package io.keygate.hsm.pkcs11;

import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmHealth;
import io.keygate.hsm.HsmOperationException;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyAlreadyExistsException;
import io.keygate.hsm.KeyInfo;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.KeyNotFoundException;
import io.keygate.hsm.KeyType;
import io.keygate.hsm.Pin;
import io.keygate.hsm.SecretBytes;
import io.keygate.hsm.TokenUnavailableException;
import io.keygate.hsm.cert.CertificateBuilder;
import io.keygate.hsm.tls.PinnedKeyManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AuthProvider;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

/**
 * {@link HsmToken} on SunPKCS11: the only class (with its package) that knows which JCA provider
 * talks to the token. Every call goes through {@link HsmCallLog}. The provider is always passed
 * explicitly; it is also registered with {@link Security} only because JSSE finds the signature
 * implementation for a TLS private key by searching the registered providers.
 */
public final class SunPkcs11Token implements HsmToken {
  /** SoftHSM refuses shorter HMAC keys, and shorter AccessSecrets would be too weak anyway. */
  public static final int MIN_HMAC_SECRET_BYTES = 32;

  /**
   * A key the adapter keeps in every token it opens. SoftHSM (and some HSMs) keep answering
   * "no such object" after their storage has vanished; when a key is missing we use the canary to
   * tell "this key is gone" from "the token is gone". Never destroy it.
   */
  public static final KeyLabel CANARY = KeyLabel.of("keygate.canary");

  private static final int GCM_IV_BYTES = 12;
  private static final int GCM_TAG_BITS = 128;

  private final String name;
  private final Provider provider;
  private final boolean registered;
  private final Pin pin;
  private final TokenKeys keys;
  private final HealthTracker health;
  private final HsmCallLog calls;
  private final Pkcs11TokenOptions options;
  private final CertificateBuilder certificates;

  private SunPkcs11Token(
      Provider provider,
      boolean registered,
      Pin pin,
      TokenKeys keys,
      HealthTracker health,
      Pkcs11TokenOptions options) {
    this.name = provider.getName();
    this.provider = provider;
    this.registered = registered;
    this.pin = pin;
    this.keys = keys;
    this.health = health;
    this.calls = new HsmCallLog(name, health);
    this.options = options;
    this.certificates = new CertificateBuilder(options.random());
  }

  /**
   * Opens the token described by a SunPKCS11 config file (see softhsm-config/) and logs in. The
   * token takes ownership of {@code pin} and zeroes it on {@link #close()}. SOFTHSM2_CONF (for
   * SoftHSM) must already be in this process's environment.
   */
  public static SunPkcs11Token open(Path configFile, Pin pin, Pkcs11TokenOptions options)
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
      String ckr = Pkcs11Failures.ckrName(e);
      throw new TokenUnavailableException(
          "cannot initialise the PKCS#11 library or slot of " + configFile
              + " (is SOFTHSM2_CONF set for this process, and the slot id current?)",
          ckr,
          e);
    }
    TokenKeys keys =
        new TokenKeys(
            keyStoreOf(provider), pin, options.clock(), options.minRefreshInterval());
    HsmCallLog opening = new HsmCallLog(provider.getName(), health);
    opening.call(
        "login",
        null,
        () -> {
          keys.refresh();
          return null;
        });
    boolean registered = Security.addProvider(provider) != -1;
    SunPkcs11Token token = new SunPkcs11Token(provider, registered, pin, keys, health, options);
    try {
      token.ensureCanary();
    } catch (HsmException e) {
      token.close();
      throw e;
    }
    return token;
  }

  private void ensureCanary() throws HsmException {
    calls.call(
        "ensure-canary",
        CANARY,
        () -> {
          if (!keys.contains(CANARY)) {
            try (SecretBytes secret = SecretBytes.random(MIN_HMAC_SECRET_BYTES, options.random())) {
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
        if (!Pkcs11Failures.HANDLE_GONE.contains(Pkcs11Failures.ckrName(e))) {
          throw e;
        }
        keys.forget(CANARY);
        keys.refresh();
      }
    }
    return false;
  }

  private static KeyStore keyStoreOf(Provider provider) throws TokenUnavailableException {
    try {
      return KeyStore.getInstance("PKCS11", provider);
    } catch (Exception e) {
      throw new TokenUnavailableException("token has no key store", null, e);
    }
  }

  // ---------------------------------------------------------------- key lifecycle

  @Override
  public KeyInfo importHmacSecret(KeyLabel label, SecretBytes secret) throws HsmException {
    if (secret.length() < MIN_HMAC_SECRET_BYTES) {
      throw new HsmOperationException(
          "HMAC secrets must have at least " + MIN_HMAC_SECRET_BYTES + " bytes");
    }
    return calls.call(
        "import-hmac",
        label,
        () -> {
          requireAbsent(label);
          byte[] raw = secret.unsafeCopy();
          try {
            SecretKeySpec spec = new SecretKeySpec(raw, "HmacSHA256");
            keys.store().setEntry(label.value(), new KeyStore.SecretKeyEntry(spec), null);
          } finally {
            Arrays.fill(raw, (byte) 0);
          }
          return describeLoaded(label);
        });
  }

  @Override
  public KeyInfo generateAesKey(KeyLabel label) throws HsmException {
    return calls.call(
        "generate-aes",
        label,
        () -> {
          requireAbsent(label);
          KeyGenerator generator = KeyGenerator.getInstance("AES", provider);
          generator.init(256, options.random());
          SecretKey sessionKey = generator.generateKey();
          keys.store().setEntry(label.value(), new KeyStore.SecretKeyEntry(sessionKey), null);
          return describeLoaded(label);
        });
  }

  @Override
  public KeyInfo generateEcKey(KeyLabel label, CertificateProfile profile) throws HsmException {
    return calls.call(
        "generate-ec",
        label,
        () -> {
          requireAbsent(label);
          KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", provider);
          generator.initialize(new ECGenParameterSpec("secp256r1"), options.random());
          KeyPair pair = generator.generateKeyPair();
          X509Certificate cert =
              certificates.selfSigned(
                  pair.getPublic(),
                  profile,
                  label.value(),
                  data -> signWith(pair.getPrivate(), data),
                  options.clock().instant());
          // Storing the session key with a certificate copies it into the token as a token object.
          keys.store()
              .setKeyEntry(label.value(), pair.getPrivate(), null, new Certificate[] {cert});
          return describeLoaded(label);
        });
  }

  @Override
  public List<KeyInfo> listKeys() throws HsmException {
    return calls.call(
        "list",
        null,
        () -> {
          keys.refresh();
          List<KeyInfo> out = new ArrayList<>();
          for (String alias : Collections.list(keys.store().aliases())) {
            KeyLabel label;
            try {
              label = KeyLabel.of(alias);
            } catch (IllegalArgumentException notOurs) {
              continue;
            }
            Key key = keys.find(label);
            if (key != null) {
              out.add(describe(label, key));
            }
          }
          out.sort((a, b) -> a.label().value().compareTo(b.label().value()));
          return out;
        });
  }

  @Override
  public Optional<KeyInfo> describeKey(KeyLabel label) throws HsmException {
    return calls.call(
        "describe",
        label,
        () -> {
          Key key = keys.find(label);
          return key == null ? Optional.empty() : Optional.of(describe(label, key));
        });
  }

  @Override
  public void destroyKey(KeyLabel label) throws HsmException {
    calls.call(
        "destroy",
        label,
        () -> {
          if (keys.find(label) == null) {
            throw new KeyNotFoundException("no key " + label + " in the token");
          }
          keys.store().deleteEntry(label.value());
          keys.forget(label);
          return null;
        });
  }

  /**
   * Tries to read the key's value out of the token the way any JCA caller could
   * (Key.getEncoded, which asks the token for CKA_VALUE unless the key is sensitive). Returns true
   * if the value came out, which would mean the key is exposed; whatever came out is zeroed.
   */
  public boolean valueReadable(KeyLabel label) throws HsmException {
    return calls.call(
        "export-attempt",
        label,
        () -> {
          Key key = keys.find(label);
          if (key == null) {
            throw new KeyNotFoundException("no key " + label + " in the token");
          }
          byte[] value = key.getEncoded();
          if (value == null) {
            return false;
          }
          Arrays.fill(value, (byte) 0);
          return true;
        });
  }

  @Override
  public void refresh() throws HsmException {
    calls.call(
        "refresh",
        null,
        () -> {
          keys.refresh();
          return null;
        });
  }

  // ---------------------------------------------------------------- operations

  @Override
  public byte[] mac(KeyLabel label, byte[] data) throws HsmException {
    return calls.call("mac", label, () -> withKey(label, KeyType.HMAC_SECRET, k -> hmac(k, data)));
  }

  @Override
  public boolean verifyMac(KeyLabel label, byte[] data, byte[] expectedMac) throws HsmException {
    byte[] actual =
        calls.call("verify-mac", label, () -> withKey(label, KeyType.HMAC_SECRET, k -> hmac(k, data)));
    // MessageDigest.isEqual compares in time independent of where the bytes differ.
    return MessageDigest.isEqual(actual, expectedMac);
  }

  private byte[] hmac(Key key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256", provider);
    mac.init(key);
    return mac.doFinal(data);
  }

  @Override
  public byte[] encrypt(KeyLabel label, byte[] iv, byte[] aad, byte[] plaintext)
      throws HsmException {
    requireIv(iv);
    return calls.call(
        "encrypt",
        label,
        () -> withKey(label, KeyType.AES_256, k -> gcm(Cipher.ENCRYPT_MODE, k, iv, aad, plaintext)));
  }

  @Override
  public byte[] decrypt(KeyLabel label, byte[] iv, byte[] aad, byte[] ciphertext)
      throws HsmException {
    requireIv(iv);
    return calls.call(
        "decrypt",
        label,
        () -> withKey(label, KeyType.AES_256, k -> gcm(Cipher.DECRYPT_MODE, k, iv, aad, ciphertext)));
  }

  private byte[] gcm(int mode, Key key, byte[] iv, byte[] aad, byte[] input) throws Exception {
    // "AES_256/GCM/NoPadding" fails: keys loaded from the token misreport their size.
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", provider);
    cipher.init(mode, key, new GCMParameterSpec(GCM_TAG_BITS, iv));
    if (aad != null && aad.length > 0) {
      cipher.updateAAD(aad);
    }
    return cipher.doFinal(input);
  }

  private static void requireIv(byte[] iv) throws HsmOperationException {
    if (iv == null || iv.length != GCM_IV_BYTES) {
      throw new HsmOperationException("AES-GCM needs a 12-byte IV");
    }
  }

  @Override
  public byte[] sign(KeyLabel label, byte[] data) throws HsmException {
    return calls.call(
        "sign", label, () -> withKey(label, KeyType.EC_P256, k -> signWith((PrivateKey) k, data)));
  }

  private byte[] signWith(PrivateKey key, byte[] data) throws HsmException {
    try {
      Signature signature = Signature.getInstance("SHA256withECDSA", provider);
      signature.initSign(key, options.random());
      signature.update(data);
      return signature.sign();
    } catch (Exception e) {
      throw Pkcs11Failures.translate("sign", e);
    }
  }

  @Override
  public PublicKey publicKey(KeyLabel label) throws HsmException {
    return certificateChain(label).get(0).getPublicKey();
  }

  @Override
  public List<X509Certificate> certificateChain(KeyLabel label) throws HsmException {
    return calls.call(
        "certificate-chain",
        label,
        () -> {
          withKey(label, KeyType.EC_P256, k -> k);
          return chainOf(label);
        });
  }

  private List<X509Certificate> chainOf(KeyLabel label) throws Exception {
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

  @Override
  public byte[] certificationRequest(KeyLabel label, CertificateProfile profile)
      throws HsmException {
    PublicKey publicKey = publicKey(label);
    return certificates.certificationRequest(
        publicKey, profile, label.value(), data -> sign(label, data));
  }

  @Override
  public void installCertificateChain(KeyLabel label, List<X509Certificate> chain)
      throws HsmException {
    if (chain.isEmpty()) {
      throw new HsmOperationException("certificate chain is empty");
    }
    PublicKey current = publicKey(label);
    if (!current.equals(chain.get(0).getPublicKey())) {
      throw new HsmOperationException(
          "the certificate's public key is not the public key of " + label);
    }
    for (int i = 0; i + 1 < chain.size(); i++) {
      try {
        chain.get(i).verify(chain.get(i + 1).getPublicKey());
      } catch (Exception e) {
        throw new HsmOperationException(
            "certificate " + i + " of the chain is not signed by certificate " + (i + 1));
      }
    }
    calls.call(
        "install-certificate",
        label,
        () -> {
          PrivateKey key = (PrivateKey) withKey(label, KeyType.EC_P256, k -> k);
          requireUniqueSubject(label, chainOf(label).get(0));
          keys.store()
              .setKeyEntry(label.value(), key, null, chain.toArray(Certificate[]::new));
          keys.refresh();
          Key reloaded = keys.find(label);
          if (reloaded == null || !chainOf(label).get(0).equals(chain.get(0))) {
            throw new HsmOperationException(
                "the token's key store did not keep " + label + " with its new certificate");
          }
          return null;
        });
  }

  @Override
  public X509KeyManager tlsKeyManager(KeyLabel label) throws HsmException {
    List<X509Certificate> chain = certificateChain(label);
    PrivateKey key =
        calls.call("tls-key", label, () -> (PrivateKey) withKey(label, KeyType.EC_P256, k -> k));
    return new PinnedKeyManager(label.value(), key, chain);
  }

  @Override
  public KeyManagerFactory tlsKeyManagerFactory(KeyLabel label) throws HsmException {
    return ((PinnedKeyManager) tlsKeyManager(label)).asFactory();
  }

  // ---------------------------------------------------------------- health

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
            keys.refresh();
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

  @Override
  public void close() {
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

  @Override
  public String toString() {
    return "SunPkcs11Token[" + name + ", " + health.get().status() + "]";
  }

  // ---------------------------------------------------------------- helpers

  /**
   * SunPKCS11 (seen on JDK 25) loses a key entry when the certificate being replaced has the same
   * subject as another key's certificate. Keygate's own certificates carry the key label in their
   * subject, so this only refuses CA-issued certificates that collide; the error says so.
   */
  private void requireUniqueSubject(KeyLabel label, X509Certificate current) throws Exception {
    for (String alias : Collections.list(keys.store().aliases())) {
      if (alias.equals(label.value()) || !keys.store().isKeyEntry(alias)) {
        continue;
      }
      Certificate other = keys.store().getCertificate(alias);
      if (other instanceof X509Certificate
          && ((X509Certificate) other)
              .getSubjectX500Principal()
              .equals(current.getSubjectX500Principal())) {
        throw new HsmOperationException(
            "the certificate of " + label + " has the same subject as that of " + alias
                + "; replacing it could detach the key. Generate a new key instead.");
      }
    }
  }

  /** Work done with the key behind a label; provider exceptions pass through to the call log. */
  @FunctionalInterface
  private interface KeyWork<T> {
    T apply(Key key) throws Exception;
  }

  /**
   * Runs {@code work} with the key under {@code label}. If another process destroyed or replaced
   * the key since we cached its handle, forgets the handle and tries once more with a fresh one.
   */
  private <T> T withKey(KeyLabel label, KeyType type, KeyWork<T> work) throws Exception {
    Key key = requireKey(label, type);
    try {
      return work.apply(key);
    } catch (Exception e) {
      if (!Pkcs11Failures.HANDLE_GONE.contains(Pkcs11Failures.ckrName(e))) {
        throw e;
      }
      keys.forget(label);
      keys.refresh();
      return work.apply(requireKey(label, type));
    }
  }

  private Key requireKey(KeyLabel label, KeyType type) throws Exception {
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

  private void requireAbsent(KeyLabel label) throws Exception {
    if (keys.contains(label)) {
      throw new KeyAlreadyExistsException("a key " + label + " already exists");
    }
  }

  private KeyInfo describeLoaded(KeyLabel label) throws Exception {
    keys.forget(label);
    Key key = keys.find(label);
    if (key == null) {
      throw new HsmOperationException("key " + label + " was not found after it was stored");
    }
    return describe(label, key);
  }

  private KeyInfo describe(KeyLabel label, Key key) throws Exception {
    KeyType type = typeOf(key);
    P11KeyFlags flags = P11KeyFlags.of(key);
    java.time.Instant created = null;
    if (type == KeyType.EC_P256) {
      created = chainOf(label).get(0).getNotBefore().toInstant();
    }
    return new KeyInfo(
        label, type, created, flags.tokenObject(), flags.sensitive(), flags.extractable());
  }

  private static KeyType typeOf(Key key) {
    if (key instanceof SecretKey) {
      return "AES".equalsIgnoreCase(key.getAlgorithm()) ? KeyType.AES_256 : KeyType.HMAC_SECRET;
    }
    if (key instanceof PrivateKey && "EC".equals(key.getAlgorithm())) {
      return KeyType.EC_P256;
    }
    return KeyType.OTHER;
  }
}
