package io.keygate.admin.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.keygate.admin.testing.CliRunner;
import io.keygate.admin.testing.CliRunner.Result;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** bootstrap admin-ca and officer-cert: a CA key in the HSM issuing officers' certificates. */
class AdminPkiTest {
  @RegisterExtension static SoftHsmTokens hsm = new SoftHsmTokens("pki");
  @TempDir static Path tmp;
  private static Path caFile;

  private static Result admin(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--hsm-config", hsm.config("pki").toString(), "--pin-file", hsm.pinFile().toString()));
    return CliRunner.run(CliRunner.environment(), all.toArray(String[]::new));
  }

  @BeforeAll
  static void createCa() {
    caFile = tmp.resolve("admin-ca.pem");
    Result ca =
        admin("bootstrap", "admin-ca", "--cn", "Keygate Admin CA", "--cert-out", caFile.toString());
    assertThat(ca.exitCode()).as(ca.toString()).isZero();
    assertThat(ca.out()).contains("Created admin CA key 'admin-ca'").contains("protected");
  }

  @Test
  void adminCa_isASelfSignedCaCertificate_forAProtectedKeyInTheToken() throws Exception {
    X509Certificate ca = read(caFile);
    ca.verify(ca.getPublicKey());
    assertThat(ca.getBasicConstraints()).as("a CA, path length 0").isZero();
    assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(ca.getSubjectX500Principal().getName()).contains("CN=Keygate Admin CA");
    assertThat(admin("keys", "list").out())
        .containsPattern("(?m)^admin-ca\\s+EC_P256\\s+\\S+\\s+yes$");
  }

  @Test
  void officerCert_chainsToTheAdminCa_andItsKeyFileIs0600() throws Exception {
    Path cert = tmp.resolve("alice.pem");
    Path key = tmp.resolve("alice.key");
    Result issued =
        admin(
            "bootstrap",
            "officer-cert",
            "--cn",
            "alice",
            "--out-cert",
            cert.toString(),
            "--out-key",
            key.toString());
    assertThat(issued.exitCode()).as(issued.toString()).isZero();
    assertThat(issued.out()).contains("officer's credential").contains("0600");

    X509Certificate officer = read(cert);
    X509Certificate ca = read(caFile);
    officer.verify(ca.getPublicKey());
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX")
        .validate(
            CertificateFactory.getInstance("X.509").generateCertPath(List.of(officer)), params);
    assertThat(officer.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(officer.getBasicConstraints()).isEqualTo(-1);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    PrivateKey privateKey = readPkcs8(key);
    Signature s = Signature.getInstance("SHA256withECDSA", "SunEC");
    s.initSign(privateKey);
    s.update(new byte[] {1, 2, 3});
    byte[] sig = s.sign();
    s.initVerify(officer.getPublicKey());
    s.update(new byte[] {1, 2, 3});
    assertThat(s.verify(sig)).as("the key file holds the certificate's private key").isTrue();
  }

  @Test
  void officerCert_asJson_namesTheFilesAndTheFingerprint() throws Exception {
    Path cert = tmp.resolve("bob.pem");
    Result issued =
        admin(
            "--output",
            "json",
            "bootstrap",
            "officer-cert",
            "--cn",
            "bob",
            "--out-cert",
            cert.toString(),
            "--out-key",
            tmp.resolve("bob.key").toString());
    assertThat(issued.exitCode()).as(issued.toString()).isZero();
    JsonObject json = JsonParser.parseString(issued.out()).getAsJsonObject();
    assertThat(json.get("keyFile").getAsString()).endsWith("bob.key");
    assertThat(json.getAsJsonObject("certificate").get("subject").getAsString())
        .isEqualTo("CN=bob");
    assertThat(json.getAsJsonObject("certificate").get("sha256").getAsString())
        .isEqualTo(io.keygate.admin.pki.Pem.sha256Fingerprint(read(cert)))
        .matches("[0-9a-f]{64}");
  }

  @Test
  void officerCert_refusesToOverwriteAKeyFile_beforeSigningAnything() throws Exception {
    Path key = Files.writeString(tmp.resolve("existing.key"), "someone's key\n");
    Result r =
        admin(
            "bootstrap",
            "officer-cert",
            "--cn",
            "carol",
            "--out-cert",
            tmp.resolve("carol.pem").toString(),
            "--out-key",
            key.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
    assertThat(r.err()).contains("file exists, not overwriting it: " + key);
    assertThat(Files.readString(key)).isEqualTo("someone's key\n");
    assertThat(tmp.resolve("carol.pem")).doesNotExist();
  }

  @Test
  void officerCert_fromAKeyWithoutCaCertificate_fails() {
    assertThat(admin("bootstrap", "tls-key", "--label", "not-a-ca", "--cn", "x").exitCode())
        .isZero();
    Result r =
        admin(
            "bootstrap",
            "officer-cert",
            "--ca-label",
            "not-a-ca",
            "--cn",
            "dave",
            "--out-cert",
            tmp.resolve("dave.pem").toString(),
            "--out-key",
            tmp.resolve("dave.key").toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains("has no CA certificate");
    assertThat(tmp.resolve("dave.key")).doesNotExist();
  }

  @Test
  void officerCert_withAnUnknownCaLabel_isNotFound() {
    Result r =
        admin(
            "bootstrap",
            "officer-cert",
            "--ca-label",
            "no-such-ca",
            "--cn",
            "erin",
            "--out-cert",
            tmp.resolve("erin.pem").toString(),
            "--out-key",
            tmp.resolve("erin.key").toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
    assertThat(r.err()).contains("no-such-ca");
    r.assertNoStackTrace();
  }

  private static X509Certificate read(Path pem) throws Exception {
    try (InputStream in = new FileInputStream(pem.toFile())) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static PrivateKey readPkcs8(Path pem) throws Exception {
    String body =
        Files.readString(pem)
            .replaceAll("-----(BEGIN|END) [A-Z ]+-----", "")
            .replaceAll("\\s", "");
    return KeyFactory.getInstance("EC", "SunEC")
        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
  }
}
