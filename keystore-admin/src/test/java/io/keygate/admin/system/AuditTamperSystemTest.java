package io.keygate.admin.system;

import static io.keygate.admin.system.Person.ALICE;
import static io.keygate.admin.system.Person.AUDREY;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.keygate.admin.system.RealGateway.CliSession;
import io.keygate.admin.testing.CliRunner.Result;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit verify} against a real gateway node whose audit table someone edits directly, as
 * anyone with write access to the config database could (docs/audit.md): reading the log shows
 * the forgery as if it were true; verifying names the edited record.
 */
class AuditTamperSystemTest {
  private static final long TAMPERED_SEQ = 3;

  @RegisterExtension static SoftHsmTokens hsm = new SoftHsmTokens("audit");
  @TempDir static Path dir;
  private static RealGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = RealGateway.start(hsm, "audit", dir);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void auditVerify_isClean_untilARecordIsEditedInTheDatabase_thenNamesTheEditedSeq()
      throws Exception {
    CliSession alice = gateway.as(ALICE);
    Result clean = alice.ok("audit", "verify");
    assertThat(clean.out()).startsWith("Audit log verified: clean.\n");
    assertThat(clean.err()).isEmpty();
    assertThat(record(alice, TAMPERED_SEQ).get("actor").getAsString()).contains("CN=alice");

    try (Connection db = gateway.openConfigDatabase();
        PreparedStatement edit =
            db.prepareStatement("UPDATE audit_log SET actor = ? WHERE seq = ?")) {
      edit.setString(1, "mallory");
      edit.setLong(2, TAMPERED_SEQ);
      assertThat(edit.executeUpdate()).isEqualTo(1);
    }

    assertThat(record(alice, TAMPERED_SEQ).get("actor").getAsString())
        .as("reading proves nothing").isEqualTo("mallory");
    Result tampered = alice.run("audit", "verify");
    assertThat(tampered.exitCode()).as(tampered.toString()).isEqualTo(1);
    assertThat(tampered.out())
        .startsWith("Audit log NOT clean:\n  seq " + TAMPERED_SEQ + " EDITED: ");
    assertThat(tampered.out().lines().filter(l -> l.startsWith("  seq ")))
        .as("one problem line").hasSize(1);
    assertThat(tampered.err())
        .isEqualTo("keystore-admin: audit log verification failed: 1 problem(s)\n");

    Result asJson = gateway.as(AUDREY).run("--output", "json", "audit", "verify");
    assertThat(asJson.exitCode()).as("the auditor's verdict: %s", asJson).isEqualTo(1);
    JsonObject report = RealGateway.CliSession.parse(asJson);
    assertThat(report.get("clean").getAsBoolean()).isFalse();
    JsonArray problems = report.getAsJsonArray("problems");
    assertThat(problems).hasSize(1);
    JsonObject problem = problems.get(0).getAsJsonObject();
    assertThat(problem.get("kind").getAsString()).isEqualTo("EDITED");
    assertThat(problem.get("seq").getAsLong()).isEqualTo(TAMPERED_SEQ);
    assertThat(problem.get("lastSeq").getAsLong()).isEqualTo(TAMPERED_SEQ);
  }

  private static JsonObject record(CliSession who, long seq) {
    for (JsonElement e : who.json("audit", "query", "--limit", "1000").getAsJsonArray("records")) {
      if (e.getAsJsonObject().get("seq").getAsLong() == seq) {
        return e.getAsJsonObject();
      }
    }
    throw new AssertionError("no audit record " + seq);
  }
}
