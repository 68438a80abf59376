package io.keygate.gateway.e2e;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway CA for backends' server certificates (Bouncy Castle, software keys: these are the
 * backends, not the gateway).
 */
final class TestBackendCa {
  /** A backend's key and certificate. */
  record Issued(KeyPair keys, X509Certificate certificate) {}

  private final String name;
  private final KeyPair keys;
  final X509Certificate certificate;

  TestBackendCa(String name) throws Exception {
    this.name = name;
    this.keys = ecKeys();
    this.certificate = sign(name, keys.getPublic(), true, null);
  }

  /** A server certificate whose only subjectAltName is the DNS name {@code dnsName}. */
  Issued server(String dnsName) throws Exception {
    KeyPair server = ecKeys();
    return new Issued(server, sign("CN=" + dnsName, server.getPublic(), false, dnsName));
  }

  private X509Certificate sign(String subject, PublicKey subjectKey, boolean isCa, String dns)
      throws Exception {
    Instant now = Instant.now();
    var b = new JcaX509v3CertificateBuilder(new X500Name(name),
        new BigInteger(64, new SecureRandom()), Date.from(now.minusSeconds(60)),
        Date.from(now.plusSeconds(3600)), new X500Name(subject), subjectKey);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    b.addExtension(Extension.keyUsage, true,
        new KeyUsage(isCa ? KeyUsage.keyCertSign : KeyUsage.digitalSignature));
    if (!isCa) {
      b.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      b.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, dns)));
    }
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
  }

  private static KeyPair ecKeys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }
}
