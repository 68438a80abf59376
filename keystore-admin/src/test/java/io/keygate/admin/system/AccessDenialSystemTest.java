package io.keygate.admin.system;

import static io.keygate.admin.system.Person.ACME_ADMIN;
import static io.keygate.admin.system.Person.ALICE;
import static io.keygate.admin.system.Person.AUDREY;
import static io.keygate.admin.system.Person.GLOBEX_ADMIN;
import static io.keygate.admin.system.Person.MALLORY;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.keygate.admin.system.RealGateway.CliSession;
import io.keygate.admin.testing.CliRunner.Result;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may do what, as each person experiences it with keystore-admin against a real gateway node:
 * a denial is exit 4 with the server's PermissionDenied code and request id on stderr, nothing on
 * stdout, no stack trace, and nothing changed.
 */
class AccessDenialSystemTest {
  /** The one line a denied person sees; the same for every reason, so it reveals nothing. */
  private static final String DENIED =
      "keystore-admin: admin server: PERMISSION_DENIED PermissionDenied: permission denied"
          + " (request id ";

  @RegisterExtension static SoftHsmTokens hsm = new SoftHsmTokens("denials");
  @TempDir static Path dir;
  private static RealGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = RealGateway.start(hsm, "denials", dir);
    gateway.as(ALICE).ok("app", "create", "--tenant", "acme", "--id", "shop", "--name", "Shop");
    gateway.as(ALICE).ok(
        "app", "create", "--tenant", "globex", "--id", "portal", "--name", "Portal");
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  static Stream<Arguments> denials() {
    String backend = "127.0.0.1:9";
    return Stream.of(
        denial("acme's tenant-admin creates an app in globex", ACME_ADMIN,
            "app", "create", "--tenant", "globex", "--id", "intruder", "--name", "Intruder"),
        denial("acme's tenant-admin registers an API in globex", ACME_ADMIN,
            "api", "register", "--tenant", "globex", "--id", "stolen",
            "--domain", RealGateway.GLOBEX_DOMAIN, "--method", RealGateway.ECHO, "--backend", backend),
        denial("acme's tenant-admin grants in globex", ACME_ADMIN,
            "grant", "add", "--tenant", "globex", "--app", "portal", "--api", "stolen"),
        denial("globex's tenant-admin lists acme's apps", GLOBEX_ADMIN,
            "app", "list", "--tenant", "acme"),
        denial("a security-officer issues a credential for a tenant's app", ALICE,
            "credential", "create", "--tenant", "acme", "--app", "shop"),
        denial("a security-officer adds a second credential to a tenant's app", ALICE,
            "credential", "add", "--tenant", "acme", "--app", "shop"),
        denial("globex's tenant-admin issues a credential in acme", GLOBEX_ADMIN,
            "credential", "create", "--tenant", "acme", "--app", "shop"),
        denial("globex's tenant-admin lists acme's credentials", GLOBEX_ADMIN,
            "credential", "list", "--tenant", "acme"),
        denial("a tenant-admin asks for a dual-control operation", ACME_ADMIN,
            "approval", "request", "revoke-tenant-credentials", "--tenant", "acme",
            "--reason", "offboarding"),
        denial("a tenant-admin reads the audit log", ACME_ADMIN, "audit", "tail"),
        denial("a tenant-admin verifies the audit log", ACME_ADMIN, "audit", "verify"),
        denial("a tenant-admin makes itself an officer", ACME_ADMIN,
            "principal", "add", "--sha256", "00".repeat(32), "--role", "security-officer"),
        denial("the auditor creates a tenant", AUDREY,
            "tenant", "create", "--id", "audrey-corp", "--name", "Audrey Corp"),
        denial("the auditor creates an app", AUDREY,
            "app", "create", "--tenant", "acme", "--id", "audit-app", "--name", "Audit app"),
        denial("the auditor asks for a key to be destroyed", AUDREY,
            "approval", "request", "destroy-key", "--label", "gateway-tls", "--reason", "test"),
        denial("the auditor prepares a TLS key", AUDREY,
            "tls", "prepare", "--cn", "x", "--dns", "localhost"),
        denial("a tenant-admin weakens a backend's TLS to plaintext", ACME_ADMIN,
            "backend-tls", "set", "--backend", backend, "--mode", "plaintext"),
        denial("a tenant-admin removes a backend's TLS policy", ACME_ADMIN,
            "backend-tls", "remove", "--backend", backend),
        denial("the auditor sets a backend's TLS", AUDREY,
            "backend-tls", "set", "--backend", backend, "--mode", "plaintext"),
        denial("a certificate without a principal asks who it is", MALLORY, "whoami"),
        denial("a certificate without a principal lists tenants", MALLORY, "tenant", "list"),
        denial("a certificate without a principal reads the audit log", MALLORY, "audit", "tail"),
        denial("a certificate without a principal makes itself an officer", MALLORY,
            "principal", "add", "--sha256", "11".repeat(32), "--role", "security-officer"));
  }

  private static Arguments denial(String what, Person who, String... args) {
    return Arguments.of(what, who, args);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("denials")
  void denied_exit4_withPermissionDenied_andNoStackTrace(String what, Person who, String[] args) {
    Result r = gateway.as(who).run(args);

    assertThat(r.exitCode()).as("%s:%n%s", what, r).isEqualTo(4);
    assertThat(r.err()).as(what).startsWith(DENIED).endsWith(")\n");
    assertThat(r.err().lines()).as("one line").hasSize(1);
    assertThat(r.out()).as("nothing on stdout").isEmpty();
  }

  @Test
  void aDeniedCrossTenantWrite_changesNothing_andIsAuditedAsDenied() {
    Result r = gateway.as(ACME_ADMIN).run(
        "app", "create", "--tenant", "globex", "--id", "sneaky", "--name", "Sneaky");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
    String requestId = requestIdIn(r.err());

    assertThat(ids(gateway.as(GLOBEX_ADMIN).json("app", "list", "--tenant", "globex"), "apps"))
        .containsExactly("portal");
    JsonObject record = auditRecordOf(requestId);
    assertThat(record.get("action").getAsString()).isEqualTo("app.create");
    assertThat(record.get("outcome").getAsString()).isEqualTo("DENIED");
    assertThat(record.get("actor").getAsString()).contains("CN=acme-admin");
    assertThat(record.get("role").getAsString()).isEqualTo("tenant-admin");
    assertThat(record.get("target").getAsString()).contains("globex");
  }

  @Test
  void aDeniedCredentialCreate_writesNoSecretFile() {
    // An officer alone must hold no working secret of a tenant's app: issuing is the tenant's.
    Path secretOut = gateway.file("never.secret");
    Result r = gateway.as(ALICE).run("credential", "create", "--tenant", "acme",
        "--app", "shop", "--secret-out", secretOut.toString());

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
    assertThat(Files.exists(secretOut)).isFalse();
    assertThat(gateway.as(ALICE).json("credential", "list", "--tenant", "acme")
            .getAsJsonArray("credentials"))
        .isEmpty();
  }

  @Test
  void aCertificateWithoutPrincipal_isDenied_andAuditedWithItsIdentity() {
    Result r = gateway.as(MALLORY).run("tenant", "list");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);

    JsonObject record = auditRecordOf(requestIdIn(r.err()));
    assertThat(record.get("action").getAsString()).isEqualTo("tenant.list");
    assertThat(record.get("outcome").getAsString()).isEqualTo("DENIED");
    assertThat(record.get("actor").getAsString()).contains("CN=mallory").contains("sha256:");
  }

  @Test
  void eachRole_stillDoesItsOwnJob() {
    CliSession acmeAdmin = gateway.as(ACME_ADMIN);
    assertThat(acmeAdmin.ok("whoami").out()).contains("role         tenant-admin of tenant acme");
    acmeAdmin.ok("app", "create", "--tenant", "acme", "--id", "own", "--name", "Own app");
    acmeAdmin.ok("api", "register", "--tenant", "acme", "--id", "echo",
        "--domain", RealGateway.ACME_DOMAIN, "--method", RealGateway.ECHO, "--backend", gateway.backendTarget());
    acmeAdmin.ok("grant", "add", "--tenant", "acme", "--app", "own", "--api", "echo");

    CliSession audrey = gateway.as(AUDREY);
    assertThat(audrey.ok("whoami").out()).contains("role         auditor");
    assertThat(audrey.json("audit", "tail", "--count", "5").getAsJsonArray("records")).hasSize(5);
    audrey.ok("audit", "verify");
    audrey.ok("approval", "list", "--all");
    assertThat(ids(audrey.json("app", "list", "--tenant", "acme"), "apps")).contains("own");
    assertThat(audrey.json("grant", "list", "--tenant", "acme").getAsJsonArray("grants"))
        .hasSize(1);
  }

  @Test
  void anOfficer_setsShowsAndRemovesABackendsTls_andTheAuditorSeesIt() throws Exception {
    Path anchors = gateway.file("orders-ca.pem");
    Files.writeString(anchors, selfSignedPem());
    String backend = "orders.internal:9443";
    gateway.as(ALICE).ok("backend-tls", "set", "--backend", backend, "--mode", "tls",
        "--anchors", anchors.toString(), "--server-name", "orders.internal");

    JsonObject shown = gateway.as(AUDREY).json("backend-tls", "show", "--backend", backend);
    JsonObject policy = shown.getAsJsonArray("policies").get(0).getAsJsonObject();
    assertThat(policy.get("mode").getAsString()).isEqualTo("tls");
    assertThat(policy.get("serverName").getAsString()).isEqualTo("orders.internal");
    assertThat(policy.getAsJsonArray("trustAnchorSha256")).hasSize(1);
    assertThat(shown.toString()).doesNotContain("BEGIN");

    gateway.as(ALICE).ok("backend-tls", "remove", "--backend", backend);
    assertThat(gateway.as(AUDREY).json("backend-tls", "show", "--backend", backend)
        .getAsJsonArray("policies")).isEmpty();
  }

  private static String selfSignedPem() throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC", "SunEC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    java.security.KeyPair keys = g.generateKeyPair();
    var name = new org.bouncycastle.asn1.x500.X500Name("CN=Orders CA");
    java.time.Instant now = java.time.Instant.now();
    var cert = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(
        new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name,
                java.math.BigInteger.ONE, java.util.Date.from(now.minusSeconds(60)),
                java.util.Date.from(now.plusSeconds(3600)), name, keys.getPublic())
            .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
                .build(keys.getPrivate())));
    return io.keygate.admin.pki.Pem.certificate(cert);
  }

  private static String requestIdIn(String err) {
    assertThat(err).startsWith(DENIED);
    return err.substring(DENIED.length(), err.indexOf(')', DENIED.length()));
  }

  /** The audit record of one request, found as docs/keystore-admin.md says: by its request id. */
  private static JsonObject auditRecordOf(String requestId) {
    JsonObject tail = gateway.as(ALICE).json("audit", "tail", "--count", "200");
    List<JsonObject> matching = new ArrayList<>();
    for (JsonElement e : tail.getAsJsonArray("records")) {
      if (e.getAsJsonObject().get("requestId").getAsString().equals(requestId)) {
        matching.add(e.getAsJsonObject());
      }
    }
    assertThat(matching).as("audit records of request %s", requestId).hasSize(1);
    return matching.get(0);
  }

  private static List<String> ids(JsonObject list, String field) {
    List<String> ids = new ArrayList<>();
    list.getAsJsonArray(field).forEach(e -> ids.add(e.getAsJsonObject().get("id").getAsString()));
    return ids;
  }
}
