package io.keygate.hsm.pkcs11;

import io.keygate.hsm.CertificateEnrolment;
import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmOperationException;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.KeyType;
import io.keygate.hsm.cert.CertificateBuilder;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;

/** CSRs for token EC keys, and installing the chains a CA issued for them. */
final class Pkcs11Certificates implements CertificateEnrolment {
  private final Pkcs11Session session;
  private final Pkcs11Signer signer;
  private final CertificateBuilder certificates;

  Pkcs11Certificates(Pkcs11Session session, Pkcs11Signer signer, CertificateBuilder certificates) {
    this.session = session;
    this.signer = signer;
    this.certificates = certificates;
  }

  @Override
  public PublicKey publicKey(KeyLabel label) throws HsmException {
    return signer.publicKey(label);
  }

  @Override
  public List<X509Certificate> certificateChain(KeyLabel label) throws HsmException {
    return signer.certificateChain(label);
  }

  @Override
  public byte[] certificationRequest(KeyLabel label, CertificateProfile profile)
      throws HsmException {
    return certificates.certificationRequest(
        signer.publicKey(label), profile, label.value(), data -> signer.sign(label, data));
  }

  @Override
  public void installCertificateChain(KeyLabel label, List<X509Certificate> chain)
      throws HsmException {
    if (chain.isEmpty()) {
      throw new HsmOperationException("certificate chain is empty");
    }
    if (!signer.publicKey(label).equals(chain.get(0).getPublicKey())) {
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
    session.call(
        "install-certificate",
        label,
        () -> {
          PrivateKey key = (PrivateKey) session.withKey(label, KeyType.EC_P256, k -> k);
          requireUniqueSubject(label, session.chainOf(label).get(0));
          session.keys().store()
              .setKeyEntry(label.value(), key, null, chain.toArray(Certificate[]::new));
          session.keys().refresh();
          Key reloaded = session.keys().find(label);
          if (reloaded == null || !session.chainOf(label).get(0).equals(chain.get(0))) {
            throw new HsmOperationException(
                "the token's key store did not keep " + label + " with its new certificate");
          }
          return null;
        });
  }

  /**
   * SunPKCS11 (seen on JDK 25) loses a key entry when the certificate being replaced has the same
   * subject as another key's certificate. Keygate's own certificates carry the key label in their
   * subject, so this only refuses CA-issued certificates that collide; the error says so.
   */
  private void requireUniqueSubject(KeyLabel label, X509Certificate current) throws Exception {
    var store = session.keys().store();
    for (String alias : Collections.list(store.aliases())) {
      if (alias.equals(label.value()) || !store.isKeyEntry(alias)) {
        continue;
      }
      Certificate other = store.getCertificate(alias);
      if (other instanceof X509Certificate x509
          && x509.getSubjectX500Principal().equals(current.getSubjectX500Principal())) {
        throw new HsmOperationException(
            "the certificate of " + label + " has the same subject as that of " + alias
                + "; replacing it could detach the key. Generate a new key instead.");
      }
    }
  }
}
