package io.keygate.gateway.model;

import io.keygate.hsm.KeyLabel;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How the gateway secures its connection to one backend target, as a security officer set it:
 * plaintext (h2c), TLS that verifies the backend against the officer's trust anchors and expected
 * server name, or mutual TLS where the gateway also presents the client certificate of an HSM key.
 * A target without a policy is plaintext. Certificates are public; the client key is only named.
 *
 * @param target the backend target's canonical text ({@link BackendTarget#toString()})
 * @param trustAnchors the certificates a backend's chain must end at (TLS and MTLS; none else)
 * @param serverName the name the backend's certificate must carry (a DNS name or an IPv4 address;
 *     empty for plaintext); also the TLS server name and the {@code :authority} it sees
 * @param clientKey the HSM key (EC, with its certificate) the gateway presents (MTLS only)
 */
public record BackendTls(
    String target,
    Mode mode,
    List<X509Certificate> trustAnchors,
    String serverName,
    Optional<KeyLabel> clientKey) {

  /** At most this many trust anchors per backend. */
  public static final int MAX_ANCHORS = 8;
  /** The anchors' PEM, as stored (the column holds 12,000 characters). */
  public static final int MAX_ANCHORS_PEM = 12_000;

  private static final Pattern DNS_NAME = Pattern.compile(
      "([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern IPV4 = Pattern.compile(
      "((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");

  /** What protects the connection to the backend. */
  public enum Mode {
    /** h2c: only for backends on a trusted network or loopback. */
    PLAINTEXT,
    /** TLS; the backend's certificate is verified, the gateway presents none. */
    TLS,
    /** TLS with the gateway's client certificate, its key in the HSM. */
    MTLS
  }

  /**
   * @throws InvalidValueException if the target does not parse, or the other fields do not fit the
   *     mode: plaintext has no anchors, name or key; TLS needs 1 to {@value #MAX_ANCHORS} anchors
   *     and a server name; MTLS also a client key
   */
  public BackendTls {
    target = BackendTarget.parse(Objects.requireNonNull(target, "target")).toString();
    Objects.requireNonNull(mode, "mode");
    trustAnchors = List.copyOf(trustAnchors);
    serverName = Objects.requireNonNull(serverName, "serverName").toLowerCase(Locale.ROOT);
    Objects.requireNonNull(clientKey, "clientKey");
    if (mode == Mode.PLAINTEXT) {
      if (!trustAnchors.isEmpty() || !serverName.isEmpty() || clientKey.isPresent()) {
        throw new InvalidValueException(
            "backend TLS: plaintext takes no trust anchors, server name or client key");
      }
    } else {
      if (trustAnchors.isEmpty() || trustAnchors.size() > MAX_ANCHORS) {
        throw new InvalidValueException(
            "backend TLS: 1 to " + MAX_ANCHORS + " trust anchors are needed");
      }
      if (serverName.length() > 253
          || !(DNS_NAME.matcher(serverName).matches() || IPV4.matcher(serverName).matches())) {
        throw new InvalidValueException(
            "backend TLS: the server name must be a DNS name or an IPv4 address");
      }
      if ((mode == Mode.MTLS) != clientKey.isPresent()) {
        throw new InvalidValueException(
            "backend TLS: a client key is needed for mtls, and only for mtls");
      }
      if (pem(trustAnchors).length() > MAX_ANCHORS_PEM) {
        throw new InvalidValueException(
            "backend TLS: the trust anchors exceed " + MAX_ANCHORS_PEM + " characters of PEM");
      }
    }
  }

  /** No transport security: what a target without a policy gets. */
  public static BackendTls plaintext(String target) {
    return new BackendTls(target, Mode.PLAINTEXT, List.of(), "", Optional.empty());
  }

  /** The parsed target. */
  public BackendTarget backendTarget() {
    return BackendTarget.parse(target);
  }

  /** The trust anchors as PEM, one block each (what is stored). */
  public String trustAnchorsPem() {
    return pem(trustAnchors);
  }

  /** Lower-case hex SHA-256 of each anchor (DER), for listings and the audit log. */
  public List<String> anchorFingerprints() {
    List<String> out = new ArrayList<>();
    for (X509Certificate anchor : trustAnchors) {
      out.add(sha256(encoded(anchor)));
    }
    return List.copyOf(out);
  }

  /**
   * The certificates in {@code pem} (one or more {@code BEGIN CERTIFICATE} blocks).
   *
   * @throws InvalidValueException if it holds none, or something that is not an X.509 certificate
   */
  public static List<X509Certificate> parseAnchors(String pem) {
    if (pem == null || pem.isBlank()) {
      return List.of();
    }
    if (pem.length() > 4 * MAX_ANCHORS_PEM) {
      throw new InvalidValueException("backend TLS: the trust anchors are too long");
    }
    try {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : certs) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new InvalidValueException("backend TLS: no certificate in the trust anchors");
      }
      return List.copyOf(out);
    } catch (CertificateException | ClassCastException e) {
      // The parser's message may quote the input: not passed on.
      throw new InvalidValueException("backend TLS: the trust anchors are not PEM certificates");
    }
  }

  @Override
  public String toString() {
    return "BackendTls[" + target + " " + mode
        + (serverName.isEmpty() ? "" : " serverName=" + serverName)
        + clientKey.map(k -> " clientKey=" + k.value()).orElse("")
        + (trustAnchors.isEmpty() ? "" : " anchors=" + anchorFingerprints()) + "]";
  }

  private static String pem(List<X509Certificate> certs) {
    StringBuilder out = new StringBuilder();
    Base64.Encoder mime = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    for (X509Certificate cert : certs) {
      out.append("-----BEGIN CERTIFICATE-----\n")
          .append(mime.encodeToString(encoded(cert)))
          .append("\n-----END CERTIFICATE-----\n");
    }
    return out.toString();
  }

  private static byte[] encoded(X509Certificate cert) {
    try {
      return cert.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new InvalidValueException("backend TLS: a trust anchor cannot be encoded");
    }
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
