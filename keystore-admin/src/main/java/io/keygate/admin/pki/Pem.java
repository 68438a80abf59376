package io.keygate.admin.pki;

import io.keygate.admin.cli.AdminException;
import io.keygate.admin.cli.ExitCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/** PEM text (RFC 7468) for certificates, requests and keys, and certificate fingerprints. */
public final class Pem {
  private Pem() {}

  public static String encode(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  public static String certificate(X509Certificate cert) throws CertificateEncodingException {
    return encode("CERTIFICATE", cert.getEncoded());
  }

  public static String certificates(List<X509Certificate> chain)
      throws CertificateEncodingException {
    StringBuilder out = new StringBuilder();
    for (X509Certificate cert : chain) {
      out.append(certificate(cert));
    }
    return out.toString();
  }

  /** Every certificate in a PEM file, in file order; a usage error if there is none. */
  public static List<X509Certificate> readCertificates(Path file)
      throws IOException, AdminException {
    byte[] content = Files.readAllBytes(file);
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (var cert : factory.generateCertificates(new ByteArrayInputStream(content))) {
        out.add((X509Certificate) cert);
      }
    } catch (CertificateException e) {
      throw new AdminException(
          ExitCode.USAGE, "cannot read certificates from " + file + ": " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new AdminException(ExitCode.USAGE, "no certificate in " + file);
    }
    return out;
  }

  /**
   * SHA-256 of the DER certificate in lower-case hex: the form the admin API uses for certificate
   * identities (WhoAmI, principals).
   */
  public static String sha256Fingerprint(X509Certificate cert) throws CertificateEncodingException {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
