package io.keygate.backend;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway attestation keys a backend trusts, by key id. A key id is derived from the public
 * key alone ({@link #keyId}), so the gateway and every backend agree on it without configuring
 * one. Several keys at once let a backend trust the next key before the gateway switches to it
 * (rotation: add, roll out, switch, remove). Immutable.
 */
public final class TrustedGatewayKeys {
  private final Map<String, PublicKey> byId;

  private TrustedGatewayKeys(Map<String, PublicKey> byId) {
    this.byId = Map.copyOf(byId);
  }

  /** EC P-256 public keys, e.g. from the certificates {@code keystore-admin} wrote. */
  public static TrustedGatewayKeys of(Collection<? extends PublicKey> keys) {
    Map<String, PublicKey> byId = new LinkedHashMap<>();
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

  Optional<PublicKey> find(String keyId) {
    return Optional.ofNullable(byId.get(keyId));
  }

  @Override
  public String toString() {
    return "TrustedGatewayKeys" + byId.keySet();
  }
}
