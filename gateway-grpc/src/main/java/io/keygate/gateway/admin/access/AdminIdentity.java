package io.keygate.gateway.admin.access;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Who called, as its verified client certificate says: subject DN, common name and the
 * certificate's SHA-256. Says nothing about permissions; {@link AdminPrincipals} maps it to a role.
 */
public record AdminIdentity(IdentityMatch subject, String commonName, IdentityMatch sha256) {
  private static final int MAX_ACTOR_DN = 400;

  /** The identity of a certificate the TLS layer has already verified against the admin CA. */
  public static AdminIdentity of(X509Certificate certificate) throws CertificateEncodingException {
    String dn = certificate
        .getSubjectX500Principal()
        .getName(javax.security.auth.x500.X500Principal.RFC2253);
    IdentityMatch fingerprint = IdentityMatch.sha256(sha256(certificate.getEncoded()));
    // A DN longer than we store can still be recognised by its fingerprint.
    IdentityMatch subject = dn.isEmpty() || dn.length() > IdentityMatch.MAX_SUBJECT
        ? null
        : new IdentityMatch(IdentityMatch.Kind.SUBJECT, dn);
    return new AdminIdentity(subject, commonName(dn), fingerprint);
  }

  /** The subject DN, or "" if the certificate has none we can store. */
  public String subjectName() {
    return subject == null ? "" : subject.value();
  }

  /**
   * How the audit log names this caller: readable, and unique through the fingerprint. The DN is
   * cut at 400 characters so the whole fits the audit log's 512-character actor column.
   */
  public String auditActor() {
    String dn = subject == null ? "(no subject)" : subject.value();
    if (dn.length() > MAX_ACTOR_DN) {
      dn = dn.substring(0, MAX_ACTOR_DN) + "...";
    }
    return dn + " sha256:" + sha256.value();
  }

  private static String commonName(String dn) {
    try {
      LdapName name = new LdapName(dn);
      // RDNs are listed from the root: the last CN is the most specific.
      for (int i = name.size() - 1; i >= 0; i--) {
        Rdn rdn = name.getRdns().get(i);
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return String.valueOf(rdn.getValue());
        }
      }
    } catch (InvalidNameException e) {
      // An RFC 2253 string printed by the JDK always parses; fall through to "no CN".
    }
    return "";
  }

  private static byte[] sha256(byte[] der) {
    try {
      // Named provider: the HSM's provider is registered too, and a hash of public data must
      // not depend on provider order (or cost a token round trip).
      return MessageDigest.getInstance("SHA-256", "SUN").digest(der);
    } catch (NoSuchAlgorithmException | NoSuchProviderException e) {
      throw new IllegalStateException("the JDK's SUN provider has SHA-256", e);
    }
  }
}
