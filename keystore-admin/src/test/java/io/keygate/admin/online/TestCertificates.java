package io.keygate.admin.online;

import io.keygate.admin.pki.Pem;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Software certificates for tests that need one that has nothing to do with the HSM. */
final class TestCertificates {
  private TestCertificates() {}

  record KeyAndCert(KeyPair keys, X509Certificate cert) {}

  static KeyAndCert selfSigned(String dn) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = g.generateKeyPair();
    X500Name name = new X500Name(dn);
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            name,
            BigInteger.valueOf(now.toEpochMilli()),
            Date.from(now.minusSeconds(60)),
            Date.from(now.plusSeconds(3600)),
            name,
            keys.getPublic());
    b.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.dNSName, "localhost")}));
    var signer =
        new JcaContentSignerBuilder("SHA256withECDSA")
            .setProvider("SunEC")
            .build(keys.getPrivate());
    return new KeyAndCert(keys, new JcaX509CertificateConverter().getCertificate(b.build(signer)));
  }

  static String selfSignedPem(String dn) throws Exception {
    return Pem.certificate(selfSigned(dn).cert());
  }

  static String sha256Hex(Path pem) throws Exception {
    X509Certificate cert = Pem.readCertificates(pem).get(0);
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
  }
}
