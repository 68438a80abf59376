package io.keygate.admin.command;

import io.keygate.admin.pki.Pem;
import io.keygate.hsm.KeyInfo;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.security.auth.x500.X500Principal;

/** How keys and certificates appear in JSON output; the same fields for every verb. */
final class Views {
  private Views() {}

  static Map<String, Object> key(KeyInfo info) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("label", info.label().value());
    out.put("type", info.type().name());
    out.put("created", info.createdAt().map(Object::toString).orElse(null));
    out.put("protected", info.isProtected());
    out.put("sensitive", info.sensitive());
    out.put("extractable", info.extractable());
    out.put("tokenObject", info.tokenObject());
    return out;
  }

  static Map<String, Object> certificate(X509Certificate cert) throws CertificateEncodingException {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("subject", name(cert.getSubjectX500Principal()));
    out.put("issuer", name(cert.getIssuerX500Principal()));
    out.put("serial", cert.getSerialNumber().toString(16));
    out.put("notBefore", cert.getNotBefore().toInstant().toString());
    out.put("notAfter", cert.getNotAfter().toInstant().toString());
    out.put("sha256", Pem.sha256Fingerprint(cert));
    return out;
  }

  /** One line for a person: subject, validity and fingerprint. */
  static String certificateLine(X509Certificate cert) throws CertificateEncodingException {
    return "certificate "
        + name(cert.getSubjectX500Principal())
        + ", valid until "
        + cert.getNotAfter().toInstant()
        + "\n  SHA-256 "
        + Pem.sha256Fingerprint(cert)
        + "\n";
  }

  /**
   * RFC 2253 with the serialNumber attribute by name: Keygate puts key labels there, and the JDK
   * would otherwise print it as a hex-encoded OID.
   */
  static String name(X500Principal principal) {
    return principal.getName(X500Principal.RFC2253, Map.of("2.5.4.5", "SERIALNUMBER"));
  }

  static String protection(KeyInfo info) {
    return info.isProtected()
        ? "protected (sensitive, not extractable)"
        : "NOT protected (sensitive="
            + info.sensitive()
            + ", extractable="
            + info.extractable()
            + "): check the attributes() blocks of the SunPKCS11 config";
  }
}
