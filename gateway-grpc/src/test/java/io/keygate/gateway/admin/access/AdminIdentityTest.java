package io.keygate.gateway.admin.access;

import io.keygate.gateway.admin.TestAdminCa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** A certificate's identity and how identities are normalised before they are stored or matched. */
class AdminIdentityTest {
  @Test
  void identity_isTheSubjectDn_itsCommonName_andTheSha256OfTheDerCertificate() throws Exception {
    TestAdminCa.Client client =
        new TestAdminCa("CN=Test CA").issue("CN=alice, OU=Security, O=Keygate");

    AdminIdentity id = AdminIdentity.of(client.certificate());

    // Bouncy Castle encodes the RDNs in the order typed; RFC 2253 prints them last-first. The
    // subject to register is therefore the one read from the certificate, not the typed string.
    assertThat(id.subject().value()).isEqualTo("O=Keygate,OU=Security,CN=alice");
    assertThat(id.subject().value())
        .isEqualTo(client
            .certificate()
            .getSubjectX500Principal()
            .getName(javax.security.auth.x500.X500Principal.RFC2253));
    assertThat(id.commonName()).isEqualTo("alice");
    String expected = HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(client.certificate().getEncoded()));
    assertThat(id.sha256().value()).isEqualTo(expected);
    assertThat(id.auditActor()).isEqualTo("O=Keygate,OU=Security,CN=alice sha256:" + expected);
  }

  @Test
  void auditActor_fitsTheAuditLogsColumn_evenForAHugeDn() throws Exception {
    String longOu = "x".repeat(450);
    AdminIdentity id = AdminIdentity.of(
        new TestAdminCa("CN=Test CA").issue("CN=bob,OU=" + longOu).certificate());

    assertThat(id.auditActor())
        .hasSizeLessThanOrEqualTo(512)
        .endsWith("sha256:" + id.sha256().value());
  }

  @Test
  void subject_isNormalisedToTheJdksRfc2253Form_soSpacingDoesNotMatter() {
    assertThat(IdentityMatch.subject("CN=alice,  O=Keygate"))
        .isEqualTo(IdentityMatch.subject("CN=alice,O=Keygate"));
  }

  @Test
  void subject_keepsCase_soAliceAndALICEAreDifferentPrincipals() {
    assertThat(IdentityMatch.subject("CN=alice")).isNotEqualTo(IdentityMatch.subject("CN=ALICE"));
  }

  @Test
  void fingerprint_acceptsOpensslsColonSeparatedUpperCaseForm() {
    String hex = "ab".repeat(32);
    String openssl = String.join(":", java.util.Collections.nCopies(32, "AB"));

    assertThat(IdentityMatch.sha256(openssl)).isEqualTo(IdentityMatch.sha256(hex));
    assertThat(IdentityMatch.sha256(openssl).value()).isEqualTo(hex);
  }

  @Test
  void malformedIdentities_areRefusedAsIllegalArguments() {
    assertThatThrownBy(() -> IdentityMatch.sha256("abcd"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IdentityMatch.sha256("zz".repeat(32)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IdentityMatch.subject("not a dn"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IdentityMatch.subject(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IdentityMatch.subject("CN=" + "x".repeat(600)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tenantAdmin_needsATenant_andOtherRolesMustNotHaveOne() {
    IdentityMatch id = IdentityMatch.subject("CN=x");
    assertThatThrownBy(() -> new AdminPrincipal(id, AdminRole.TENANT_ADMIN, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AdminPrincipal(id, AdminRole.AUDITOR, "acme", null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
