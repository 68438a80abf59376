package io.keygate.admin.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.keygate.admin.testing.CliRunner;
import io.keygate.admin.testing.CliRunner.Result;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** bootstrap tls-key, csr and import-cert, and keys list, on a real SoftHSM2 token. */
class TlsKeyCsrAndImportTest {
  @RegisterExtension static SoftHsmTokens hsm = new SoftHsmTokens("kg");
  @TempDir Path tmp;

  private static Result admin(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--hsm-config", hsm.config("kg").toString(), "--pin-file", hsm.pinFile().toString()));
    return CliRunner.run(CliRunner.environment(), all.toArray(String[]::new));
  }

  @Test
  void tlsKey_thenKeysList_showsTheKeyProtected() throws Exception {
    Result made =
        admin(
            "bootstrap",
            "tls-key",
            "--label",
            "tls-list",
            "--cn",
            "gw.example",
            "--dns",
            "localhost",
            "--ip",
            "127.0.0.1");
    assertThat(made.exitCode()).as(made.toString()).isZero();
    assertThat(made.out())
        .contains("Generated EC P-256 key 'tls-list'")
        .contains("protected (sensitive, not extractable)")
        .contains("-----BEGIN CERTIFICATE-----");
    X509Certificate cert = parseCertificate(made.out());
    cert.verify(cert.getPublicKey());
    assertThat(cert.getSubjectAlternativeNames())
        .extracting(l -> l.get(1).toString())
        .contains("localhost", "127.0.0.1");

    Result listed = admin("keys", "list");
    assertThat(listed.exitCode()).as(listed.toString()).isZero();
    assertThat(listed.out()).containsPattern("(?m)^tls-list\\s+EC_P256\\s+\\S+Z\\s+yes$");
  }

  @Test
  void keysList_asJson_isValidJsonWithProtectionFlags() throws Exception {
    assertThat(admin("bootstrap", "tls-key", "--label", "tls-json", "--cn", "gw").exitCode())
        .isZero();
    Result listed = admin("--output", "json", "keys", "list");
    assertThat(listed.exitCode()).as(listed.toString()).isZero();
    var keys = JsonParser.parseString(listed.out()).getAsJsonObject().getAsJsonArray("keys");
    JsonObject key = null;
    for (var k : keys) {
      if (k.getAsJsonObject().get("label").getAsString().equals("tls-json")) {
        key = k.getAsJsonObject();
      }
    }
    assertThat(key).as(listed.out()).isNotNull();
    assertThat(key.get("type").getAsString()).isEqualTo("EC_P256");
    assertThat(key.get("protected").getAsBoolean()).isTrue();
    assertThat(key.get("extractable").getAsBoolean()).isFalse();
    Instant.parse(key.get("created").getAsString());
  }

  @Test
  void tlsKey_asJson_withCertOut_writesThePemAndPrintsOneJsonDocument() throws Exception {
    Path certFile = tmp.resolve("tls.pem");
    Result made =
        admin(
            "bootstrap",
            "tls-key",
            "--label",
            "tls-out",
            "--cn",
            "gw",
            "--cert-out",
            certFile.toString(),
            "--output",
            "json");
    assertThat(made.exitCode()).as(made.toString()).isZero();
    JsonObject json = JsonParser.parseString(made.out()).getAsJsonObject();
    assertThat(json.getAsJsonObject("certificate").get("file").getAsString())
        .isEqualTo(certFile.toString());
    assertThat(json.getAsJsonObject("certificate").get("subject").getAsString())
        .isEqualTo("SERIALNUMBER=tls-out,CN=gw");
    assertThat(parseCertificate(Files.readString(certFile)).getSubjectX500Principal().getName())
        .contains("CN=gw");
  }

  @Test
  void csr_isPemAndItsSignatureVerifies() throws Exception {
    assertThat(admin("bootstrap", "tls-key", "--label", "tls-csr", "--cn", "gw").exitCode())
        .isZero();
    Path csrFile = tmp.resolve("gw.csr");
    Result csr =
        admin(
            "bootstrap",
            "csr",
            "--label",
            "tls-csr",
            "--cn",
            "gw.example.com",
            "--dns",
            "gw.example.com",
            "--out",
            csrFile.toString());
    assertThat(csr.exitCode()).as(csr.toString()).isZero();
    String pem = Files.readString(csrFile);
    assertThat(pem)
        .startsWith("-----BEGIN CERTIFICATE REQUEST-----\n")
        .endsWith("-----END CERTIFICATE REQUEST-----\n");
    PKCS10CertificationRequest request;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      request = (PKCS10CertificationRequest) parser.readObject();
    }
    var verifier =
        new JcaContentVerifierProviderBuilder()
            .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
            .build(request.getSubjectPublicKeyInfo());
    assertThat(request.isSignatureValid(verifier)).isTrue();
    assertThat(request.getSubject().toString()).isEqualTo("CN=gw.example.com,SERIALNUMBER=tls-csr");
  }

  @Test
  void importCert_ofACertificateForAnotherKey_failsClearly_withoutStackTrace() throws Exception {
    assertThat(admin("bootstrap", "tls-key", "--label", "tls-a", "--cn", "a").exitCode()).isZero();
    Path otherCert = tmp.resolve("b.pem");
    assertThat(
            admin(
                    "bootstrap",
                    "tls-key",
                    "--label",
                    "tls-b",
                    "--cn",
                    "b",
                    "--cert-out",
                    otherCert.toString())
                .exitCode())
        .isZero();

    Result refused =
        admin("bootstrap", "import-cert", "--label", "tls-a", "--chain", otherCert.toString());

    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
    assertThat(refused.err().strip())
        .startsWith("keystore-admin: the first certificate in " + otherCert)
        .contains("does not match key 'tls-a'")
        .doesNotContain("\n");
    refused.assertNoStackTrace();
  }

  @Test
  void importCert_ofACaIssuedChain_replacesTheSelfSignedCertificate() throws Exception {
    assertThat(admin("bootstrap", "tls-key", "--label", "tls-ca", "--cn", "gw").exitCode())
        .isZero();
    Path csrFile = tmp.resolve("req.csr");
    assertThat(
            admin(
                    "bootstrap",
                    "csr",
                    "--label",
                    "tls-ca",
                    "--cn",
                    "gw",
                    "--out",
                    csrFile.toString())
                .exitCode())
        .isZero();
    Path chainFile = tmp.resolve("chain.pem");
    Files.writeString(chainFile, issueFromCsr(Files.readString(csrFile)));

    Result imported =
        admin("bootstrap", "import-cert", "--label", "tls-ca", "--chain", chainFile.toString());

    assertThat(imported.exitCode()).as(imported.toString()).isZero();
    assertThat(imported.out())
        .contains("Installed 2 certificate(s) for key 'tls-ca'")
        .contains("CN=Test Issuing CA");
  }

  @Test
  void importCert_ofAFileWithoutCertificates_isAUsageError() throws Exception {
    Path empty = Files.writeString(tmp.resolve("empty.pem"), "nothing here\n");
    Result r =
        admin("bootstrap", "import-cert", "--label", "gateway-tls", "--chain", empty.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    r.assertNoStackTrace();
  }

  @Test
  void tlsKey_onAnExistingLabel_isAConflict() {
    assertThat(admin("bootstrap", "tls-key", "--label", "tls-twice", "--cn", "gw").exitCode())
        .isZero();
    Result again = admin("bootstrap", "tls-key", "--label", "tls-twice", "--cn", "gw");
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(5);
    assertThat(again.err()).contains("tls-twice").contains("already exists");
  }

  @Test
  void tlsKey_withABadIpAddress_isAUsageError_beforeAnyKeyIsMade() {
    Result r =
        admin("bootstrap", "tls-key", "--label", "tls-bad-ip", "--cn", "gw", "--ip", "300.1.1.1");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("--ip 300.1.1.1");
    assertThat(admin("keys", "list").out()).doesNotContain("tls-bad-ip");
  }

  private static X509Certificate parseCertificate(String text) throws Exception {
    int start = text.indexOf("-----BEGIN CERTIFICATE-----");
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(
                new ByteArrayInputStream(
                    text.substring(start).getBytes(StandardCharsets.US_ASCII)));
  }

  /** A software CA that signs the CSR: leaf then CA, as a CA would hand them back. */
  private static String issueFromCsr(String csrPem) throws Exception {
    PKCS10CertificationRequest request;
    try (PEMParser parser = new PEMParser(new StringReader(csrPem))) {
      request = (PKCS10CertificationRequest) parser.readObject();
    }
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair caKeys = g.generateKeyPair();
    X500Name caName = new X500Name("CN=Test Issuing CA");
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    var signer =
        new JcaContentSignerBuilder("SHA256withECDSA")
            .setProvider("SunEC")
            .build(caKeys.getPrivate());
    X509Certificate ca =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        caName,
                        BigInteger.ONE,
                        Date.from(now.minusSeconds(60)),
                        Date.from(now.plusSeconds(86400)),
                        caName,
                        caKeys.getPublic())
                    .build(signer));
    X509Certificate leaf =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        caName,
                        BigInteger.TWO,
                        Date.from(now.minusSeconds(60)),
                        Date.from(now.plusSeconds(86400)),
                        request.getSubject(),
                        new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest(request)
                            .getPublicKey())
                    .build(signer));
    return io.keygate.admin.pki.Pem.certificates(List.of(leaf, ca));
  }
}
