package io.keygate.backend;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The gateway attestation keys a backend trusts, by key id: EC P-256 public keys (the default) and
 * HMAC-SHA256 keys this backend shares with the gateway's token (the per-backend option). A key id
 * is derived from the key alone ({@link #keyId}, {@link #hmacKeyId}), so the gateway and every
 * backend agree on it without configuring one. Several keys at once let a backend trust the next
 * key before the gateway switches to it (rotation: add, roll out, switch, remove). Immutable; an
 * HMAC key's bytes never print ({@link #toString} shows ids only).
 */
public final class TrustedGatewayKeys {
  /** HMAC keys are exactly this long (what {@code keystore-admin bootstrap backend-hmac-key} makes). */
  public static final int HMAC_KEY_BYTES = 32;
  /** What an HMAC key's id is the MAC of (one line: never a signed text, which has eight). */
  static final byte[] HMAC_KEY_ID_INPUT =
      "keygate-backend-attestation-v1 key id".getBytes(StandardCharsets.US_ASCII);

  /** A {@link PublicKey} (ECDSA) or an HMAC-SHA256 {@link SecretKeySpec}. */
  private final Map<String, Key> byId;

  private TrustedGatewayKeys(Map<String, Key> byId) {
    this.byId = Map.copyOf(byId);
  }

  /** EC P-256 public keys, e.g. from the certificates {@code keystore-admin} wrote. */
  public static TrustedGatewayKeys of(Collection<? extends PublicKey> keys) {
    Map<String, Key> byId = new LinkedHashMap<>();
    for (PublicKey key : keys) {
      if (!(key instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
        throw new IllegalArgumentException("an attestation key is an EC P-256 public key");
      }
      byId.put(keyId(key), key);
    }
    if (byId.isEmpty()) {
      throw new IllegalArgumentException("trust at least one gateway attestation key");
    }
    return new TrustedGatewayKeys(byId);
  }

  /** The public keys of PEM (or DER) X.509 certificates, one or more per file. */
  public static TrustedGatewayKeys fromCertificates(Path... files)
      throws IOException, CertificateException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    java.util.List<PublicKey> keys = new java.util.ArrayList<>();
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        for (var cert : factory.generateCertificates(in)) {
          keys.add(((X509Certificate) cert).getPublicKey());
        }
      }
    }
    return of(keys);
  }

  /**
   * A public key's id: the lowercase hex of the first 8 bytes of the SHA-256 of its DER
   * SubjectPublicKeyInfo (what {@code openssl pkey -pubin -outform DER | sha256sum} hashes).
   */
  public static String keyId(PublicKey key) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /**
   * HMAC-SHA256 keys shared with the gateway, {@value #HMAC_KEY_BYTES} bytes each (the caller may
   * wipe its arrays afterwards: they are copied).
   */
  public static TrustedGatewayKeys hmac(byte[]... keys) {
    Map<String, Key> byId = new LinkedHashMap<>();
    for (byte[] key : keys) {
      if (key.length != HMAC_KEY_BYTES) {
        throw new IllegalArgumentException("an HMAC attestation key is 32 bytes");
      }
      SecretKeySpec spec = new SecretKeySpec(key, "HmacSHA256");
      byId.put(hmacKeyId(spec), spec);
    }
    if (byId.isEmpty()) {
      throw new IllegalArgumentException("trust at least one gateway attestation key");
    }
    return new TrustedGatewayKeys(byId);
  }

  /**
   * HMAC keys from files holding each one line: the standard base64 of the 32 bytes (what {@code
   * keystore-admin bootstrap backend-hmac-key --secret-out} writes). Keep them mode 0600.
   */
  public static TrustedGatewayKeys fromHmacKeyFiles(Path... files) throws IOException {
    byte[][] keys = new byte[files.length][];
    try {
      for (int i = 0; i < files.length; i++) {
        byte[] text = Files.readAllBytes(files[i]);
        try {
          keys[i] = Base64.getMimeDecoder().decode(text); // tolerates the line end
        } catch (IllegalArgumentException e) {
          throw new IOException("an HMAC key file holds no base64 key: " + files[i]);
        } finally {
          Arrays.fill(text, (byte) 0);
        }
      }
      return hmac(keys);
    } finally {
      for (byte[] key : keys) {
        if (key != null) {
          Arrays.fill(key, (byte) 0);
        }
      }
    }
  }

  /** These keys and {@code others}' (e.g. a P-256 key and an HMAC key during a change of kind). */
  public TrustedGatewayKeys and(TrustedGatewayKeys others) {
    Map<String, Key> all = new LinkedHashMap<>(byId);
    all.putAll(others.byId);
    return new TrustedGatewayKeys(all);
  }

  /**
   * An HMAC key's id: {@code hmac-} and the lowercase hex of the first 8 bytes of
   * HMAC-SHA256(key, "keygate-backend-attestation-v1 key id"). The gateway computes the same in
   * its token, so neither side configures it, and it says nothing useful about the key.
   */
  public static String hmacKeyId(byte[] key) {
    return hmacKeyId(new SecretKeySpec(key, "HmacSHA256"));
  }

  private static String hmacKeyId(SecretKeySpec key) {
    return "hmac-" + HexFormat.of().formatHex(hmac(key, HMAC_KEY_ID_INPUT), 0, 8);
  }

  static byte[] hmac(Key key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }

  Optional<Key> find(String keyId) {
    return Optional.ofNullable(byId.get(keyId));
  }

  @Override
  public String toString() {
    return "TrustedGatewayKeys" + byId.keySet();
  }
}
