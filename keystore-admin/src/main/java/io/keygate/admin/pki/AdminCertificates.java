package io.keygate.admin.pki;

import io.keygate.admin.cli.AdminException;
import io.keygate.admin.cli.ExitCode;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.SigningKeys;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

/**
 * The admin PKI: a CA whose key lives in the token, and the officers' client certificates it
 * issues. hsm-adapter's CertificateBuilder makes end-entity certificates only, so the CA profile is
 * built here with Bouncy Castle, every signature made by the token.
 */
public final class AdminCertificates {
  /** Certificates start a little in the past: the officer's machine may run a little behind. */
  private static final Duration BACKDATE = Duration.ofMinutes(5);

  private final SecureRandom random;

  public AdminCertificates(SecureRandom random) {
    this.random = random;
  }

  /**
   * A self-signed CA certificate for the token key {@code label}. Its subject carries the label as
   * serialNumber, as hsm-adapter's certificates do: SunPKCS11 confuses keys whose certificates
   * share a subject.
   */
  public X509Certificate selfSignedCa(
      SigningKeys token, KeyLabel label, String commonName, Duration validity, Instant now)
      throws HsmException, AdminException {
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.CN, requireName(commonName))
            .addRDN(BCStyle.SERIALNUMBER, label.value())
            .build();
    PublicKey publicKey = token.publicKey(label);
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            subject,
            serial(),
            Date.from(now.minus(BACKDATE)),
            Date.from(now.plus(validity)),
            subject,
            publicKey);
    try {
      JcaX509ExtensionUtils ids = new JcaX509ExtensionUtils();
      // pathLen 0: this CA issues officers' certificates, never another CA.
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(
          Extension.subjectKeyIdentifier, false, ids.createSubjectKeyIdentifier(publicKey));
      builder.addExtension(
          Extension.authorityKeyIdentifier, false, ids.createAuthorityKeyIdentifier(publicKey));
    } catch (CertIOException | GeneralSecurityException e) {
      throw new AdminException(ExitCode.FAILED, "cannot build the CA certificate", e);
    }
    return convert(TokenContentSigner.rethrow(token, label, builder::build));
  }

  /**
   * A TLS client certificate for {@code subjectKey}, issued by the CA key {@code caLabel} whose
   * certificate is {@code caCert}. It never outlives the CA certificate.
   */
  public X509Certificate clientCertificate(
      SigningKeys token,
      KeyLabel caLabel,
      X509Certificate caCert,
      String commonName,
      PublicKey subjectKey,
      Duration validity,
      Instant now)
      throws HsmException, AdminException {
    if (caCert.getBasicConstraints() < 0) {
      throw new AdminException(
          ExitCode.FAILED,
          "key " + caLabel + " has no CA certificate; create the CA with 'bootstrap admin-ca'");
    }
    Date notAfter = Date.from(now.plus(validity));
    if (notAfter.after(caCert.getNotAfter())) {
      notAfter = caCert.getNotAfter();
    }
    X500Name issuer = X500Name.getInstance(caCert.getSubjectX500Principal().getEncoded());
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, requireName(commonName)).build();
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer, serial(), Date.from(now.minus(BACKDATE)), notAfter, subject, subjectKey);
    try {
      JcaX509ExtensionUtils ids = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
      builder.addExtension(
          Extension.subjectKeyIdentifier, false, ids.createSubjectKeyIdentifier(subjectKey));
      builder.addExtension(
          Extension.authorityKeyIdentifier, false, ids.createAuthorityKeyIdentifier(caCert));
    } catch (CertIOException | GeneralSecurityException e) {
      throw new AdminException(ExitCode.FAILED, "cannot build the officer certificate", e);
    }
    return convert(TokenContentSigner.rethrow(token, caLabel, builder::build));
  }

  private BigInteger serial() {
    // 127 random bits, positive: unique without a serial database (CA/B forum asks for >= 64).
    return new BigInteger(127, random).add(BigInteger.ONE);
  }

  private static String requireName(String commonName) {
    if (commonName == null || commonName.isBlank()) {
      throw new IllegalArgumentException("--cn must not be empty");
    }
    return commonName;
  }

  private static X509Certificate convert(X509CertificateHolder holder) throws AdminException {
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (GeneralSecurityException e) {
      throw new AdminException(ExitCode.FAILED, "cannot decode the new certificate", e);
    }
  }
}
