package io.keygate.hsm;

import java.security.cert.X509Certificate;
import java.util.List;

/** Getting a CA to certify a token EC key: the CSR out, the issued chain in. */
public interface CertificateEnrolment extends PublicKeys {

  /** A PKCS#10 certificate signing request (DER) for an EC key, signed in the token. */
  byte[] certificationRequest(KeyLabel label, CertificateProfile profile) throws HsmException;

  /** Replaces the certificate chain of an EC key; the leaf must carry the key's public key. */
  void installCertificateChain(KeyLabel label, List<X509Certificate> chain) throws HsmException;
}
