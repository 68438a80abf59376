package io.keygate.admin.online;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.remote.AdminEndpoint;
import io.keygate.admin.testing.CliRunner;
import io.keygate.admin.testing.CliRunner.Result;
import io.keygate.admin.testing.FakeAdminService;
import io.keygate.proto.admin.v1.AddPrincipalRequest;
import io.keygate.proto.admin.v1.AuthMode;
import io.keygate.proto.admin.v1.CreateAuthorizationRequest;
import io.keygate.proto.admin.v1.ListCredentialsRequest;
import io.keygate.proto.admin.v1.RegisterApiRequest;
import io.keygate.proto.admin.v1.RetireCredentialRequest;
import io.keygate.proto.admin.v1.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The online verbs against an in-process fake of the admin API: what they send, what they print,
 * and how server errors become exit codes. (The real server lives in gateway-grpc, which
 * keystore-admin must not depend on; MutualTlsChannelTest covers the mTLS channel.)
 */
class OnlineVerbsTest {
  private static final String SECRET_B64 =
      Base64.getEncoder().encodeToString(FakeAdminService.SECRET);
  @TempDir Path tmp;
  private final FakeAdminService fake = new FakeAdminService();
  private final AtomicReference<AdminEndpoint> endpoint = new AtomicReference<>();
  private Server server;
  private CliEnvironment env;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(fake).build().start();
    env =
        CliRunner.environment(Map.of("KEYGATE_ADMIN_SERVER", "admin.example:8444"))
            .withAdminChannels(
                e -> {
                  endpoint.set(e);
                  return InProcessChannelBuilder.forName(name).directExecutor().build();
                });
  }

  @AfterEach
  void stop() {
    server.shutdownNow();
  }

  private Result admin(String... args) {
    return CliRunner.run(env, args);
  }

  private static JsonObject json(Result r) {
    return JsonParser.parseString(r.out()).getAsJsonObject();
  }

  @Test
  void whoami_usesTheServerFromTheEnvironment_andPrintsTheRole() {
    Result r = admin("whoami", "--cert", "me.pem", "--key", "me.key", "--ca", "ca.pem");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("CN=alice").contains("security-officer");
    assertThat(endpoint.get().target()).isEqualTo("admin.example:8444");
    assertThat(endpoint.get().clientKey()).isEqualTo(Path.of("me.key"));
  }

  @Test
  void whoami_asJson() {
    Result r = admin("whoami", "--output", "json");
    assertThat(json(r).get("role").getAsString()).isEqualTo("security-officer");
    assertThat(json(r).get("tenantId").isJsonNull()).isTrue();
  }

  @Test
  void tenantCreateAndList_asJson_escapeNamesCorrectly() {
    assertThat(admin("tenant", "create", "--id", "acme", "--name", "Acme").out())
        .isEqualTo("Created tenant acme (Acme).\n");
    Result list = admin("--output", "json", "tenant", "list");
    assertThat(
            json(list).getAsJsonArray("tenants").get(0).getAsJsonObject().get("name").getAsString())
        .isEqualTo("Acme \"Rockets\"\n");
  }

  @Test
  void appCreateAndList() {
    Result created = admin("app", "create", "--tenant", "acme", "--id", "shop", "--name", "Shop");
    assertThat(created.out()).contains("Created app shop (Shop) in tenant acme.");
    assertThat(admin("app", "list", "--tenant", "acme").out())
        .containsPattern("(?m)^shop\\s+Shop$");
  }

  @Test
  void credentialCreate_showsTheSecretOnce_inBase64() {
    Result r = admin("credential", "create", "--tenant", "acme", "--app", "shop");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("AccessKey     AKFIRST")
        .contains("AccessSecret  " + SECRET_B64)
        .contains("only time the secret is shown");
    assertThat(r.out().split(java.util.regex.Pattern.quote(SECRET_B64), -1)).hasSize(2);
  }

  @Test
  void credentialAdd_withSecretOut_writesA0600File_andNeverPrintsTheSecret() throws Exception {
    Path secretFile = tmp.resolve("shop.secret");
    Result r =
        admin(
            "--output",
            "json",
            "credential",
            "add",
            "--tenant",
            "acme",
            "--app",
            "shop",
            "--secret-out",
            secretFile.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out() + r.err()).doesNotContain(SECRET_B64);
    assertThat(json(r).get("accessKey").getAsString()).isEqualTo("AKSECOND");
    assertThat(json(r).get("secretFile").getAsString()).isEqualTo(secretFile.toString());
    assertThat(json(r).has("secret")).isFalse();
    assertThat(Files.readString(secretFile)).isEqualTo(SECRET_B64 + "\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secretFile)))
        .isEqualTo("rw-------");
  }

  @Test
  void credentialCreate_withAnExistingSecretOut_refusesBeforeCallingTheServer() throws Exception {
    Path taken = Files.writeString(tmp.resolve("taken"), "x");
    Result r =
        admin(
            "credential",
            "create",
            "--tenant",
            "acme",
            "--app",
            "shop",
            "--secret-out",
            taken.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
    assertThat(fake.requests).as("no credential was issued whose secret would be lost").isEmpty();
  }

  @Test
  void credentialRetire_sendsTheDuration() {
    Result r =
        admin(
            "credential",
            "retire",
            "--tenant",
            "acme",
            "--access-key",
            "AKOLD",
            "--after",
            "1d12h");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    RetireCredentialRequest sent = (RetireCredentialRequest) fake.lastRequest();
    assertThat(sent.getAfter().getSeconds()).isEqualTo(36 * 3600);
    assertThat(r.out()).contains("AKOLD keeps working until 2027-01-16T");
  }

  @Test
  void credentialRevoke() {
    Result r = admin("credential", "revoke", "--tenant", "acme", "--access-key", "AKFIRST");
    assertThat(r.out()).isEqualTo("Revoked credential AKFIRST (state revoked).\n");
  }

  @Test
  void credentialList_showsStateAndLastUse_neverASecret() {
    Result text = admin("credential", "list", "--tenant", "acme", "--app", "shop");
    assertThat(text.out())
        .containsPattern("(?m)^AKFIRST\\s+shop\\s+active\\s+-\\s+2027-01-15T08:00:00Z$")
        .containsPattern("(?m)^AKOLD\\s+shop\\s+expired\\s+2023-11-14T22:13:20Z\\s+-$");
    assertThat(((ListCredentialsRequest) fake.lastRequest()).getAppId()).isEqualTo("shop");
    Result json = admin("--output", "json", "credential", "list", "--tenant", "acme");
    var first = json(json).getAsJsonArray("credentials").get(0).getAsJsonObject();
    assertThat(first.keySet())
        .containsExactly(
            "accessKey", "tenantId", "appId", "state", "notAfter", "lastUsed", "secretKeyLabel");
    assertThat(json.out()).doesNotContain(SECRET_B64);
  }

  @Test
  void apiRegister_defaultsToSignature_andAcceptsNone() {
    admin(
        "api",
        "register",
        "--tenant",
        "acme",
        "--id",
        "echo",
        "--domain",
        "api.acme.example",
        "--method",
        "/keygate.demo.v1.EchoService/Echo",
        "--backend",
        "localhost:9000");
    RegisterApiRequest sent = (RegisterApiRequest) fake.lastRequest();
    assertThat(sent.getApi().getAuthMode()).isEqualTo(AuthMode.SIGNATURE);
    assertThat(sent.getApi().getMethodName()).isEqualTo("keygate.demo.v1.EchoService/Echo");
    assertThat(sent.getApi().getDomain()).isEqualTo("api.acme.example");
    Result none =
        admin(
            "api",
            "update",
            "--tenant",
            "acme",
            "--id",
            "echo",
            "--domain",
            "api.acme.example",
            "--method",
            "p.S/M",
            "--backend",
            "h:1",
            "--auth",
            "NONE");
    assertThat(none.out()).contains("(auth none)");
    assertThat(admin("api", "remove", "--tenant", "acme", "--id", "echo").out())
        .isEqualTo("Removed API echo of tenant acme.\n");
    assertThat(admin("api", "list", "--tenant", "acme").out())
        .containsPattern(
            "(?m)^echo\\s+api.acme.example\\s+keygate.demo.v1.EchoService/Echo\\s+localhost:9000"
                + "\\s+signature$");
  }

  @Test
  void apiEncryption_sendsThePolicy_andRefusesAnUnknownOneBeforeCalling() {
    assertThat(admin("api", "encryption", "--tenant", "acme", "--id", "echo", "--policy", "both")
            .out())
        .isEqualTo("API echo of tenant acme: encryption both.\n");
    var sent = (io.keygate.proto.admin.v1.SetApiEncryptionRequest) fake.lastRequest();
    assertThat(sent.getEncryption())
        .isEqualTo(io.keygate.proto.admin.v1.EncryptionPolicy.ENCRYPTION_BOTH);
    assertThat(admin("api", "encryption", "--tenant", "acme", "--id", "echo", "--policy", "some")
            .exitCode())
        .isEqualTo(2);
  }

  @Test
  void apiSignature_requiresV2OnAnApiOrATenant_andRefusesAnUnknownRequirementBeforeCalling() {
    assertThat(admin("api", "signature", "--tenant", "acme", "--id", "echo", "--require", "v2")
            .out())
        .isEqualTo("API echo of tenant acme: in force v2.\n");
    var sent = (io.keygate.proto.admin.v1.SetSignatureRequirementRequest) fake.lastRequest();
    assertThat(sent.getApiId()).isEqualTo("echo");
    assertThat(sent.getRequirement())
        .isEqualTo(io.keygate.proto.admin.v1.SignatureRequirement.SIGNATURE_V2_REQUIRED);
    assertThat(admin("api", "signature", "--tenant", "acme", "--require", "v2").out())
        .isEqualTo("Tenant acme: default v2.\n");
    assertThat(((io.keygate.proto.admin.v1.SetSignatureRequirementRequest) fake.lastRequest())
        .getApiId()).isEmpty();
    assertThat(admin("api", "signature", "--tenant", "acme", "--id", "echo", "--require", "v1")
            .exitCode())
        .isEqualTo(2);
  }

  @Test
  void apiPayloadKeys_printsIdsAndStates() {
    Result r = admin("api", "payload-keys", "--tenant", "acme", "--id", "echo");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).startsWith("encryption client\n")
        .containsPattern("(?m)^client\\s+c-1\\s+accepted$")
        .containsPattern("(?m)^client\\s+c-2\\s+current$");
  }

  @Test
  void apiIssuePayloadKey_sendsAOneTimeKey_andShowsThePayloadKeyOnce_decryptedHere()
      throws Exception {
    Result r = admin("api", "issue-payload-key", "--tenant", "acme", "--id", "echo", "--hop",
        "client", "--key-id", "c-3");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    var sent = (io.keygate.proto.admin.v1.IssuePayloadKeyRequest) fake.lastRequest();
    assertThat(sent.getKeyId()).isEqualTo("c-3");
    assertThat(sent.getHop()).isEqualTo("client");
    assertThat(sent.getRecipientPublicKey().size()).isGreaterThan(300); // RSA-3072 SPKI
    String key = Base64.getEncoder().encodeToString(
        io.keygate.admin.testing.FakeAdminService.PAYLOAD_KEY);
    assertThat(r.out()).contains("Issued payload key c-3 (client hop) of API echo", key);

    Path file = tmp.resolve("c-4.key");
    Result toFile = admin("api", "issue-payload-key", "--tenant", "acme", "--id", "echo", "--hop",
        "backend", "--key-id", "c-4", "--key-out", file.toString());
    assertThat(toFile.exitCode()).as(toFile.toString()).isZero();
    assertThat(toFile.out()).doesNotContain(key);
    assertThat(java.nio.file.Files.readString(file)).isEqualTo(key + "\n");
    assertThat(java.nio.file.Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(
        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
  }

  @Test
  void apiIssuePayloadKey_staged_asksForAStagedKey_andSaysItIsNotCurrent() throws Exception {
    Result r = admin("api", "issue-payload-key", "--tenant", "acme", "--id", "echo", "--hop",
        "backend", "--key-id", "b-2", "--staged", "--output", "json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    var sent = (io.keygate.proto.admin.v1.IssuePayloadKeyRequest) fake.lastRequest();
    assertThat(sent.getStaged()).isTrue();
    assertThat(json(r).get("current").getAsBoolean()).isFalse();

    Result plain = admin("api", "issue-payload-key", "--tenant", "acme", "--id", "echo", "--hop",
        "backend", "--key-id", "b-3");
    assertThat(((io.keygate.proto.admin.v1.IssuePayloadKeyRequest) fake.lastRequest())
        .getStaged()).as("default: current at once, as in 1.9").isFalse();
    assertThat(plain.out()).contains("now current");
    Result staged = admin("api", "issue-payload-key", "--tenant", "acme", "--id", "echo", "--hop",
        "backend", "--key-id", "b-4", "--staged");
    assertThat(staged.out()).contains("staged (accepted, not current");
  }

  @Test
  void apiPromotePayloadKey_namesTheKey() {
    Result r = admin("api", "promote-payload-key", "--tenant", "acme", "--id", "echo", "--hop",
        "client", "--key-id", "c-2");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("Payload key c-2 (client hop) of API echo of tenant acme is"
        + " current; 1 other key(s) of that hop still open until retired.\n");
    var sent = (io.keygate.proto.admin.v1.PromotePayloadKeyRequest) fake.lastRequest();
    assertThat(sent.getKeyId()).isEqualTo("c-2");
    assertThat(sent.getHop()).isEqualTo("client");
    assertThat(sent.getTenantId()).isEqualTo("acme");
    assertThat(sent.getApiId()).isEqualTo("echo");
  }

  @Test
  void apiRetirePayloadKey_namesTheKey() {
    Result r = admin("api", "retire-payload-key", "--tenant", "acme", "--id", "echo", "--hop",
        "client", "--key-id", "c-1");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo(
        "Retired payload key c-1 (client hop) of API echo of tenant acme; 1 key(s) left.\n");
    var sent = (io.keygate.proto.admin.v1.RetirePayloadKeyRequest) fake.lastRequest();
    assertThat(sent.getKeyId()).isEqualTo("c-1");
  }

  @Test
  void grants() {
    assertThat(admin("grant", "add", "--tenant", "acme", "--app", "shop", "--api", "echo").out())
        .isEqualTo("App shop may now call API echo of tenant acme.\n");
    Result removed =
        admin(
            "--output",
            "json",
            "grant",
            "remove",
            "--tenant",
            "acme",
            "--app",
            "shop",
            "--api",
            "echo");
    assertThat(json(removed).get("removed").getAsBoolean()).isTrue();
    assertThat(admin("grant", "list", "--tenant", "acme").out())
        .containsPattern("(?m)^shop\\s+echo$");
  }

  @Test
  void authorizationCreate_withADuration_sendsValidFor_andWithATime_sendsExpiresAt() {
    Result r =
        admin(
            "authorization",
            "create",
            "--id",
            "az1",
            "--grantor",
            "acme",
            "--grantee-app",
            "globex-app",
            "--api",
            "echo,chat",
            "--expires",
            "30d");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    CreateAuthorizationRequest sent = (CreateAuthorizationRequest) fake.lastRequest();
    assertThat(sent.getValidFor().getSeconds()).isEqualTo(30L * 86400);
    assertThat(sent.getApiIdsList()).containsExactly("echo", "chat");
    admin(
        "authorization",
        "create",
        "--id",
        "az2",
        "--grantor",
        "acme",
        "--grantee-app",
        "g",
        "--api",
        "echo",
        "--expires",
        "2030-01-01");
    sent = (CreateAuthorizationRequest) fake.lastRequest();
    assertThat(sent.getExpiresAt().getSeconds()).isEqualTo(1_893_456_000L);
    assertThat(admin("authorization", "revoke", "--grantor", "acme", "--id", "az1").out())
        .isEqualTo("Revoked authorization az1.\n");
    Result list = admin("--output", "json", "authorization", "list", "--tenant", "acme");
    assertThat(json(list).getAsJsonArray("granted")).hasSize(1);
    assertThat(json(list).getAsJsonArray("received")).isEmpty();
  }

  @Test
  void principalAdd_ofACertificateFile_sendsItsFingerprint() throws Exception {
    Path cert = tmp.resolve("officer.pem");
    Files.writeString(cert, TestCertificates.selfSignedPem("CN=bob"));
    Result r =
        admin("principal", "add", "--of-cert", cert.toString(), "--role", "security-officer");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    AddPrincipalRequest sent = (AddPrincipalRequest) fake.lastRequest();
    assertThat(sent.getPrincipal().getCertificateSha256())
        .isEqualTo(TestCertificates.sha256Hex(cert));
    assertThat(sent.getPrincipal().getRole()).isEqualTo(Role.SECURITY_OFFICER);
    assertThat(admin("principal", "list").out())
        .contains("sha256:" + "cd".repeat(32))
        .containsPattern("(?m)^CN=alice\\s+security-officer");
    assertThat(admin("principal", "remove", "--subject", "CN=bob").out())
        .isEqualTo("Removed admin principal CN=bob.\n");
  }

  @Test
  void principalAdd_subjectOfACertificate_isTheDnAsTheServerReadsIt() throws Exception {
    Path cert = tmp.resolve("carol.pem");
    // Typed in this order, Bouncy Castle encodes it so that the JDK prints O first.
    Files.writeString(cert, TestCertificates.selfSignedPem("CN=carol,O=Keygate Admins"));
    Result r =
        admin(
            "principal",
            "add",
            "--subject-of-cert",
            cert.toString(),
            "--role",
            "tenant-admin",
            "--tenant",
            "acme");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    AddPrincipalRequest sent = (AddPrincipalRequest) fake.lastRequest();
    assertThat(sent.getPrincipal().getSubject()).isEqualTo("O=Keygate Admins,CN=carol");
    assertThat(sent.getPrincipal().getTenantId()).isEqualTo("acme");
    assertThat(r.out())
        .isEqualTo("Added tenant-admin of tenant acme: O=Keygate Admins,CN=carol.\n");
  }

  @Test
  void serverErrors_becomeExitCodes_withErrorCodeAndRequestId() {
    List<Object[]> cases = new ArrayList<>();
    cases.add(new Object[] {Status.PERMISSION_DENIED, "PermissionDenied", 4});
    cases.add(new Object[] {Status.UNAUTHENTICATED, "Unauthenticated", 4});
    cases.add(new Object[] {Status.NOT_FOUND, "NotFound", 5});
    cases.add(new Object[] {Status.ALREADY_EXISTS, "AlreadyExists", 5});
    cases.add(new Object[] {Status.FAILED_PRECONDITION, "CredentialLimit", 5});
    cases.add(new Object[] {Status.INVALID_ARGUMENT, "InvalidArgument", 2});
    cases.add(new Object[] {Status.UNAVAILABLE, "HsmUnavailable", 6});
    cases.add(new Object[] {Status.INTERNAL, "InternalError", 1});
    for (Object[] c : cases) {
      Metadata trailers = new Metadata();
      trailers.put(
          Metadata.Key.of("x-keygate-error-code", Metadata.ASCII_STRING_MARSHALLER), (String) c[1]);
      trailers.put(
          Metadata.Key.of("x-keygate-request-id", Metadata.ASCII_STRING_MARSHALLER), "req-42");
      fake.failWith(((Status) c[0]).withDescription("fixed message").asRuntimeException(trailers));
      Result r = admin("credential", "add", "--tenant", "acme", "--app", "shop");
      assertThat(r.exitCode()).as(c[1] + ": " + r).isEqualTo(c[2]);
      assertThat(r.err())
          .isEqualTo(
              "keystore-admin: admin server: "
                  + ((Status) c[0]).getCode()
                  + " "
                  + c[1]
                  + ": fixed message (request id req-42)\n");
      assertThat(r.out()).isEmpty();
      r.assertNoStackTrace();
    }
  }

  @Test
  void noServer_isAUsageError() {
    CliEnvironment noServer = CliRunner.environment().withAdminChannels(env.adminChannels());
    Result r = CliRunner.run(noServer, "tenant", "list");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--server HOST:PORT").contains("KEYGATE_ADMIN_SERVER");
  }
}
