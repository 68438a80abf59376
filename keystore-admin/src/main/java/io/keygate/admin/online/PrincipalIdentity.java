package io.keygate.admin.online;

import io.keygate.admin.cli.AdminException;
import io.keygate.admin.pki.Pem;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import javax.security.auth.x500.X500Principal;
import picocli.CommandLine.Option;

/**
 * Which client certificate an admin principal is: its subject DN (survives renewal) or its SHA-256
 * (pins one certificate), given directly or computed from a PEM file.
 */
public final class PrincipalIdentity {
  @Option(names = "--subject", paramLabel = "DN", description = "certificate subject DN (RFC 2253)")
  String subject;

  @Option(names = "--sha256", paramLabel = "HEX", description = "certificate SHA-256 (hex)")
  String sha256;

  @Option(
      names = "--subject-of-cert",
      paramLabel = "FILE",
      description =
          "the subject of this PEM certificate, exactly as the server reads it (RFC 2253 as the"
              + " JDK prints it; typed DNs often differ in RDN order)")
  Path subjectCertificate;

  @Option(
      names = "--of-cert",
      paramLabel = "FILE",
      description = "the SHA-256 of this PEM certificate (e.g. from 'bootstrap officer-cert')")
  Path certificate;

  /** True for a subject identity ({@link #subject()}); otherwise {@link #fingerprint()}. */
  boolean isSubject() {
    return subject != null || subjectCertificate != null;
  }

  String subject() throws IOException, AdminException {
    if (subject != null) {
      return subject;
    }
    return Pem.readCertificates(subjectCertificate)
        .get(0)
        .getSubjectX500Principal()
        .getName(X500Principal.RFC2253);
  }

  String fingerprint() throws IOException, AdminException, CertificateEncodingException {
    if (sha256 != null) {
      return sha256;
    }
    return Pem.sha256Fingerprint(Pem.readCertificates(certificate).get(0));
  }
}
