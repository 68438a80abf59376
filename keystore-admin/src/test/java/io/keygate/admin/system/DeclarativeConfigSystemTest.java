package io.keygate.admin.system;

import static io.keygate.admin.system.Person.ACME_ADMIN;
import static io.keygate.admin.system.Person.ALICE;
import static io.keygate.admin.system.Person.AUDREY;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.keygate.admin.testing.CliRunner.Result;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code apply -f} and {@code export} against a real node, as an officer and a tenant-admin use
 * them: a plan before anything changes, every change audited, a second run that plans nothing, a
 * round trip through export, a tenant-admin kept to its tenant, and a bad file refused before a
 * single call is made. The steps build on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeclarativeConfigSystemTest {
  @RegisterExtension static SoftHsmTokens hsm = new SoftHsmTokens("declarative");
  @TempDir static Path dir;
  private static RealGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = RealGateway.start(hsm, "declarative", dir);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private static String acme(String apis, String grants) {
    return """
        {"version": 1, "tenants": [{
          "id": "acme", "name": "Acme Corp",
          "apps": [{"id": "shop", "name": "Shop"}, {"id": "billing", "name": "Billing"}],
          "domains": ["localhost"],
          "backends": [{"target": "%s"}],
          "apis": [%s],
          "grants": [%s]
        }]}
        """.formatted(gateway.backendTarget(), apis, grants);
  }

  private static String api(String id, String method, int preAuth) {
    return """
        {"id": "%s", "domain": "localhost", "method": "keygate.demo.v1.EchoService/%s",
         "backend": "%s", "auth": "signature", "preauth_max_message_bytes": %d}"""
        .formatted(id, method, gateway.backendTarget(), preAuth);
  }

  private static Path file(String name, String content) throws Exception {
    Path f = gateway.file(name);
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  @Test
  @Order(1)
  void dryRun_printsThePlan_andChangesNothing() throws Exception {
    Path f = file("acme-1.json", acme(api("echo", "Echo", 0) + "," + api("chat", "Chat", 0),
        "{\"app\": \"shop\", \"api\": \"echo\"}, {\"app\": \"billing\", \"api\": \"chat\"}"));

    Result plan = gateway.as(ACME_ADMIN).ok("apply", "-f", f.toString(), "--dry-run");

    assertThat(plan.out()).contains("+ app acme/shop (Shop)", "+ app acme/billing (Billing)",
        "+ api acme/echo: localhost /keygate.demo.v1.EchoService/Echo", "+ grant acme shop -> echo",
        "6 change(s) planned; nothing applied (--dry-run).");
    assertThat(apps()).isEmpty();
  }

  @Test
  @Order(2)
  void apply_makesTheTenantWhatTheFileSays_auditedPerChange_andASecondRunPlansNothing()
      throws Exception {
    Path f = file("acme-2.json", acme(api("echo", "Echo", 0) + "," + api("chat", "Chat", 0),
        "{\"app\": \"shop\", \"api\": \"echo\"}, {\"app\": \"billing\", \"api\": \"chat\"}"));
    int auditBefore = auditRecords();

    Result applied = gateway.as(ACME_ADMIN).ok("apply", "-f", f.toString());
    Result again = gateway.as(ACME_ADMIN).ok("apply", "-f", f.toString());

    assertThat(applied.out()).contains("Applied 6 change(s).");
    assertThat(apps()).containsExactlyInAnyOrder("shop", "billing");
    assertThat(auditRecords() - auditBefore).as("one audit record per change").isEqualTo(6);
    assertThat(again.out()).contains("Nothing to change.");
  }

  @Test
  @Order(2)
  void anOfficer_appliesWhatOfficersDecide_aNewTenantWithItsDomainAndBackend() throws Exception {
    Path f = file("initech.json", """
        {"version": 1, "tenants": [{"id": "initech", "name": "Initech",
          "domains": ["initech.localhost"], "backends": [{"target": "%s"}]}]}
        """.formatted(gateway.backendTarget()));

    Result applied = gateway.as(ALICE).ok("apply", "-f", f.toString());
    Result again = gateway.as(ALICE).ok("apply", "-f", f.toString(), "--dry-run");

    assertThat(applied.out()).containsSubsequence("+ tenant initech (Initech)",
        "+ domain initech initech.localhost", "+ backend initech " + gateway.backendTarget(),
        "Applied 3 change(s).");
    assertThat(again.out()).contains("Nothing to change.");
  }

  @Test
  @Order(3)
  void aChangedFile_updatesAndRemoves_inTheRightOrder() throws Exception {
    // chat gone (its grant with it, removed first), echo's pre-auth limit changed.
    Path f = file("acme-3.json", acme(api("echo", "Echo", 4096),
        "{\"app\": \"shop\", \"api\": \"echo\"}"));

    Result applied = gateway.as(ACME_ADMIN).ok("apply", "-f", f.toString());

    assertThat(applied.out()).containsSubsequence("~ api acme/echo", "- grant acme billing -> chat",
        "- api acme/chat", "Applied 3 change(s).");
    JsonObject exported = gateway.as(AUDREY).json("export", "--tenant", "acme");
    JsonArray apis = exported.getAsJsonArray("tenants").get(0).getAsJsonObject()
        .getAsJsonArray("apis");
    assertThat(apis).hasSize(1);
    assertThat(apis.get(0).getAsJsonObject().get("preauth_max_message_bytes").getAsInt())
        .isEqualTo(4096);
  }

  @Test
  @Order(4)
  void export_thenApply_isARoundTripThatPlansNothing() throws Exception {
    Path exported = gateway.file("exported.json");
    gateway.as(AUDREY).ok("export", "--tenant", "acme", "-o", exported.toString());

    Result again = gateway.as(ACME_ADMIN).ok("apply", "-f", exported.toString(), "--dry-run");

    assertThat(again.out()).contains("Nothing to change.");
    assertThat(Files.readString(exported)).doesNotContain("secret").contains("\"acme\"");
  }

  @Test
  @Order(5)
  void aTenantAdmin_isKeptToItsTenant() throws Exception {
    Path other = file("globex.json", """
        {"version": 1, "tenants": [{"id": "globex", "name": "Globex",
          "apps": [{"id": "intruder", "name": "Planted by acme's admin"}]}]}
        """);

    Result denied = gateway.as(ACME_ADMIN).run("apply", "-f", other.toString());

    assertThat(denied.exitCode()).isEqualTo(4);
    assertThat(gateway.as(AUDREY).json("app", "list", "--tenant", "globex").toString())
        .doesNotContain("intruder");
  }

  @Test
  @Order(6)
  void aFileWithACredential_orATypo_isRefusedNamingTheField_beforeAnyCall() throws Exception {
    Path withSecret = file("secret.json", """
        {"version": 1, "tenants": [{"id": "acme", "name": "Acme Corp",
          "apps": [{"id": "shop", "name": "Shop", "secret": "c2VjcmV0"}]}]}
        """);
    Path typo = file("typo.json", """
        {"version": 1, "tenants": [{"id": "acme", "name": "Acme Corp", "api": []}]}
        """);
    int auditBefore = auditRecords();

    Result secret = gateway.as(ACME_ADMIN).run("apply", "-f", withSecret.toString());
    Result misspelt = gateway.as(ACME_ADMIN).run("apply", "-f", typo.toString());

    assertThat(secret.exitCode()).isEqualTo(2);
    assertThat(secret.err()).contains("tenants[0].apps[0].secret: unknown field")
        .doesNotContain("c2VjcmV0");
    assertThat(misspelt.exitCode()).isEqualTo(2);
    assertThat(misspelt.err()).contains("tenants[0].api: unknown field");
    assertThat(auditRecords()).isEqualTo(auditBefore);
  }

  @Test
  @Order(7)
  void aHundredObjects_applyInOneRun() throws Exception {
    StringBuilder apis = new StringBuilder(api("echo", "Echo", 4096));
    StringBuilder grants = new StringBuilder("{\"app\": \"shop\", \"api\": \"echo\"}");
    for (int i = 0; i < 50; i++) {
      apis.append(',').append(api("bulk-" + i, "Echo" + i, 0));
      grants.append(",{\"app\": \"shop\", \"api\": \"bulk-").append(i).append("\"}");
    }
    Path f = file("acme-100.json", acme(apis.toString(), grants.toString()));

    long start = System.nanoTime();
    Result applied = gateway.as(ACME_ADMIN).ok("apply", "-f", f.toString());
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertThat(applied.out()).contains("Applied 100 change(s).");
    System.out.println("apply: 100 changes (50 APIs, 50 grants) in " + millis + " ms, one run");
  }

  private static java.util.List<String> apps() {
    JsonArray apps = gateway.as(AUDREY).json("app", "list", "--tenant", "acme")
        .getAsJsonArray("apps");
    java.util.List<String> ids = new java.util.ArrayList<>();
    apps.forEach(a -> ids.add(a.getAsJsonObject().get("id").getAsString()));
    return ids;
  }

  /** Records of changes (reads, and reading the log, are audited too: they are left out). */
  private static int auditRecords() {
    int changes = 0;
    for (var r : gateway.as(AUDREY).json("audit", "tail", "--count", "1000")
        .getAsJsonArray("records")) {
      String action = r.getAsJsonObject().get("action").getAsString();
      if (!action.endsWith(".list") && !action.startsWith("audit.") && !action.equals("whoami")) {
        changes++;
      }
    }
    return changes;
  }
}
