package io.keygate.admin.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.admin.testing.CliRunner;
import io.keygate.admin.testing.CliRunner.Result;
import io.keygate.hsm.KeyInfo;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.pkcs11.SunPkcs11Token;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * bootstrap backend-client-key on a real SoftHSM2 token: the key the gateway presents to mutual
 * TLS backends is generated inside the token, sensitive and never extractable; only its
 * certificate (clientAuth) comes out.
 */
class BackendClientKeyTest {
  @RegisterExtension static SoftHsmTokens hsm = new SoftHsmTokens("kg");
  @TempDir Path tmp;

  @Test
  void backendClientKey_isGeneratedInTheToken_protected_andItsCertificateWritten()
      throws Exception {
    Path certOut = tmp.resolve("gateway-backend-client.pem");

    Result made = CliRunner.run(CliRunner.environment(), "bootstrap", "backend-client-key",
        "--cn", "keygate-gateway", "--cert-out", certOut.toString(),
        "--hsm-config", hsm.config("kg").toString(), "--pin-file", hsm.pinFile().toString());

    assertThat(made.exitCode()).as(made.toString()).isZero();
    assertThat(made.out())
        .contains("Generated EC P-256 key 'gateway-backend-client'")
        .contains("protected (sensitive, not extractable)")
        .doesNotContain("PRIVATE KEY");
    X509Certificate cert;
    try (InputStream in = Files.newInputStream(certOut)) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    cert.verify(cert.getPublicKey());
    assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.2"); // clientAuth
    try (SunPkcs11Token token = hsm.open("kg")) {
      KeyInfo key = token.listKeys().stream()
          .filter(k -> k.label().equals(KeyLabel.of("gateway-backend-client")))
          .findFirst().orElseThrow();
      assertThat(key.tokenObject()).isTrue();
      assertThat(key.sensitive()).as("CKA_SENSITIVE").isTrue();
      assertThat(key.extractable()).as("CKA_EXTRACTABLE").isFalse();
      assertThat(token.certificateChain(key.label())).containsExactly(cert);
    }
  }

  @Test
  void backendTlsVerbs_areListedInTheHelp() {
    List<String> args = new ArrayList<>(List.of("backend-tls", "--help"));
    Result help = CliRunner.run(CliRunner.environment(), args.toArray(String[]::new));
    assertThat(help.out()).contains("set", "show", "remove");
  }
}
