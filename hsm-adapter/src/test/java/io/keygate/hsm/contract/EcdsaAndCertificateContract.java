package io.keygate.hsm.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.HsmOperationException;
import io.keygate.hsm.KeyLabel;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

/** EC P-256 keys: signatures, self-signed certificates, CSRs and installed chains. */
public abstract class EcdsaAndCertificateContract extends TokenContract {
  private static final KeyLabel KEY = KeyLabel.of("gateway-tls-1");
  private static final CertificateProfile PROFILE =
      CertificateProfile.localhost("keygate-gateway", Duration.ofDays(30));

  @Override
  protected void prepare() throws Exception {
    token.generateEcKey(KEY, PROFILE);
  }

  @Test
  void sign_producesSignaturesThatSunEcVerifiesWithTheCertificatesKey() throws Exception {
    X509Certificate cert = token.certificateChain(KEY).get(0);
    assertThat(token.publicKey(KEY)).isEqualTo(cert.getPublicKey());
    assertSignedBy(cert, token.sign(KEY, MESSAGE));
    // Another key's certificate does not verify it: the signature is this key's.
    KeyLabel other = KeyLabel.of("gateway-tls-other");
    token.generateEcKey(other, PROFILE);
    Signature verifier = Signature.getInstance("SHA256withECDSA", "SunEC");
    verifier.initVerify(token.certificateChain(other).get(0).getPublicKey());
    verifier.update(MESSAGE);
    assertThat(verifier.verify(token.sign(KEY, MESSAGE))).isFalse();
  }

  @Test
  void generatedKey_hasASelfSignedCertificateSignedInTheToken() throws Exception {
    List<X509Certificate> chain = token.certificateChain(KEY);
    assertThat(chain).hasSize(1);
    X509Certificate cert = chain.get(0);
    cert.verify(cert.getPublicKey(), "SunEC");
    cert.checkValidity();
    assertThat(cert.getSubjectX500Principal().getName(javax.security.auth.x500.X500Principal.RFC1779, java.util.Map.of("2.5.4.5", "SERIALNUMBER")))
        .as("the key label in the subject keeps subjects unique within the token")
        .isEqualTo("SERIALNUMBER=gateway-tls-1, CN=keygate-gateway");
    assertThat(cert.getSubjectAlternativeNames())
        .extracting(l -> l.get(1).toString())
        .contains("localhost", "127.0.0.1");
    assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void certificationRequest_isSignedByTheTokenKey() throws Exception {
    byte[] der = token.certificationRequest(KEY, PROFILE);
    PKCS10CertificationRequest csr = new PKCS10CertificationRequest(der);
    assertThat(csr.getSubject().toString()).isEqualTo("CN=keygate-gateway,SERIALNUMBER=gateway-tls-1");
    assertThat(
            csr.isSignatureValid(
                new JcaContentVerifierProviderBuilder()
                    .setProvider("SunEC")
                    .build(token.publicKey(KEY))))
        .isTrue();
  }

  @Test
  void installCertificateChain_acceptsACaIssuedCertificateForTheSameKey() throws Exception {
    KeyLabel label = KeyLabel.of("issued-key");
    token.generateEcKey(label, PROFILE);
    KeyPair ca = ecKeyPair();
    X509Certificate caCert = issue(ca, new X500Name("CN=Test CA"), ca.getPublic(), "CN=Test CA");
    X509Certificate leaf = issue(ca, new X500Name("CN=Test CA"), token.publicKey(label), "CN=gw");
    token.installCertificateChain(label, List.of(leaf, caCert));
    List<X509Certificate> chain = token.certificateChain(label);
    assertThat(chain).hasSize(2);
    assertThat(chain.get(0).getSubjectX500Principal().getName()).isEqualTo("CN=gw");
    // The key itself did not change: signatures still verify against the issued certificate.
    assertSignedBy(chain.get(0), token.sign(label, MESSAGE));
  }

  @Test
  void installCertificateChain_refusesACertificateForAnotherKey() throws Exception {
    KeyPair other = ecKeyPair();
    X509Certificate foreign = issue(other, new X500Name("CN=x"), other.getPublic(), "CN=x");
    X509Certificate before = token.certificateChain(KEY).get(0);
    assertThatThrownBy(() -> token.installCertificateChain(KEY, List.of(foreign)))
        .isInstanceOf(HsmOperationException.class)
        .hasMessageContaining("not the public key");
    assertThat(token.certificateChain(KEY).get(0)).isEqualTo(before);
  }

  @Test
  void installCertificateChain_twoKeysWithTheSameIssuedSubject_renewalIsRefusedNotCorrupting()
      throws Exception {
    KeyPair ca = ecKeyPair();
    X500Name caName = new X500Name("CN=Test CA");
    X509Certificate caCert = issue(ca, caName, ca.getPublic(), "CN=Test CA");
    KeyLabel oldKey = KeyLabel.of("rotation-old");
    KeyLabel newKey = KeyLabel.of("rotation-new");
    token.generateEcKey(oldKey, PROFILE);
    token.generateEcKey(newKey, PROFILE);
    // Rotation: both keys get a certificate for the same host name.
    token.installCertificateChain(oldKey, List.of(issue(ca, caName, token.publicKey(oldKey), "CN=api.example"), caCert));
    token.installCertificateChain(newKey, List.of(issue(ca, caName, token.publicKey(newKey), "CN=api.example"), caCert));
    // Renewing one of them now would replace a certificate whose subject another key shares.
    X509Certificate renewal = issue(ca, caName, token.publicKey(newKey), "CN=api.example");
    assertThatThrownBy(() -> token.installCertificateChain(newKey, List.of(renewal, caCert)))
        .isInstanceOf(HsmOperationException.class)
        .hasMessageContaining("same subject");
    for (KeyLabel k : List.of(oldKey, newKey)) {
      X509Certificate leaf = token.certificateChain(k).get(0);
      assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=api.example");
      // Each key still signs, and with itself: its own certificate's key verifies the signature.
      assertSignedBy(leaf, token.sign(k, MESSAGE));
    }
    assertThat(token.certificateChain(oldKey).get(0).getPublicKey())
        .isNotEqualTo(token.certificateChain(newKey).get(0).getPublicKey());
  }

  @Test
  void installCertificateChain_refusesAChainWhoseLinksDoNotVerify() throws Exception {
    KeyLabel label = KeyLabel.of("broken-chain-key");
    token.generateEcKey(label, PROFILE);
    KeyPair ca = ecKeyPair();
    KeyPair notTheCa = ecKeyPair();
    X509Certificate leaf = issue(ca, new X500Name("CN=Test CA"), token.publicKey(label), "CN=gw");
    X509Certificate wrongCa =
        issue(notTheCa, new X500Name("CN=Other CA"), notTheCa.getPublic(), "CN=Other CA");
    assertThatThrownBy(() -> token.installCertificateChain(label, List.of(leaf, wrongCa)))
        .isInstanceOf(HsmOperationException.class)
        .hasMessageContaining("not signed by");
    assertThat(token.certificateChain(label)).hasSize(1);
  }

  private static final byte[] MESSAGE = "renewal check".getBytes(StandardCharsets.UTF_8);

  /** {@code signature} verifies over MESSAGE with the certificate's key, and not over a tampered one. */
  private static void assertSignedBy(X509Certificate cert, byte[] signature) throws Exception {
    Signature v = Signature.getInstance("SHA256withECDSA", "SunEC");
    v.initVerify(cert.getPublicKey());
    v.update(MESSAGE);
    assertThat(v.verify(signature)).as("signature verifies with " + cert.getSubjectX500Principal()).isTrue();
    byte[] tampered = MESSAGE.clone();
    tampered[0] ^= 1;
    v.initVerify(cert.getPublicKey());
    v.update(tampered);
    assertThat(v.verify(signature)).as("a tampered message must not verify").isFalse();
  }

  private static KeyPair ecKeyPair() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate issue(
      KeyPair issuerKeys, X500Name issuer, java.security.PublicKey subjectKey, String subject)
      throws Exception {
    Instant now = Instant.now();
    var builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            new BigInteger(64, new java.security.SecureRandom()),
            Date.from(now.minusSeconds(60)),
            Date.from(now.plusSeconds(3600)),
            new X500Name(subject),
            subjectKey);
    builder.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA")
                    .setProvider("SunEC")
                    .build(issuerKeys.getPrivate())));
  }
}
