package io.keygate.admin.system;

import static io.keygate.admin.system.Person.ALICE;
import static io.keygate.admin.system.Person.AUDREY;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.keygate.admin.system.RealGateway.CliSession;
import io.keygate.admin.testing.CliRunner.Result;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack issue 9 reproduced, against a real node (H2, SoftHSM2, the real CLI): an officer's
 * admin call is made; someone with write access to the config database deletes its record and
 * the signed heads from there on, and resets audit_head. The database alone now looks like a
 * complete log; the head file the node exported every signed head to does not.
 */
class AuditTailSystemTest {
  @RegisterExtension static SoftHsmTokens hsm = new SoftHsmTokens("audit-tail");
  @TempDir static Path dir;
  private static RealGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = RealGateway.start(hsm, "audit-tail", dir);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void deletedAdminRecordAndSignedHeads_withTheHeadReset_areNamedByAuditVerify() throws Exception {
    CliSession alice = gateway.as(ALICE);
    alice.ok("tenant", "create", "--id", "initech", "--name", "Initech");
    long seq;
    try (Connection db = gateway.openConfigDatabase()) {
      seq = longOf(db, "SELECT MAX(seq) FROM audit_log WHERE action = 'tenant.create'");
      assertThat(longOf(db, "SELECT MAX(seq) FROM audit_signed_heads"))
          .as("the admin call was answered only once its record was signed")
          .isEqualTo(seq);
      assertThat(Files.readAllLines(headFile(), StandardCharsets.US_ASCII))
          .last()
          .asString()
          .startsWith("keygate-audit-head-v1 seq=" + seq + " ");

      // The attack: the tail, the signed heads from there on, and audit_head put back.
      execute(db, "DELETE FROM audit_log WHERE seq >= " + seq);
      execute(db, "DELETE FROM audit_signed_heads WHERE seq >= " + seq);
      execute(db, "UPDATE audit_head SET seq = " + (seq - 1) + ", hash = (SELECT hash FROM"
          + " audit_log WHERE seq = " + (seq - 1) + ") WHERE id = 1");
    }

    Result verdict = gateway.as(AUDREY).run("--output", "json", "audit", "verify");

    assertThat(verdict.exitCode()).as("tampering: %s", verdict).isEqualTo(1);
    JsonObject report = RealGateway.CliSession.parse(verdict);
    assertThat(report.get("clean").getAsBoolean()).isFalse();
    assertThat(problems(report.getAsJsonArray("problems")))
        .containsExactly("TRUNCATED " + seq + ".." + seq, "HEAD_MISSING " + seq + ".." + seq);
    assertThat(verdict.out()).contains(headFile().toString());

    Result next = alice.run("tenant", "create", "--id", "hooli", "--name", "Hooli");
    assertThat(next.exitCode())
        .as("the signer refuses to vouch for the cut-back log, so no admin call is answered: %s",
            next)
        .isEqualTo(6);
    assertThat(next.err()).contains("AuditUnavailable");
  }

  private static Path headFile() {
    return dir.resolve("data").resolve("audit-heads.log");
  }

  private static List<String> problems(JsonArray problems) {
    List<String> out = new ArrayList<>();
    problems.forEach(p -> out.add(p.getAsJsonObject().get("kind").getAsString() + " "
        + p.getAsJsonObject().get("seq").getAsLong() + ".."
        + p.getAsJsonObject().get("lastSeq").getAsLong()));
    return out;
  }

  private static long longOf(Connection db, String query) throws Exception {
    try (PreparedStatement s = db.prepareStatement(query);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void execute(Connection db, String statement) throws Exception {
    try (PreparedStatement s = db.prepareStatement(statement)) {
      s.executeUpdate();
    }
  }
}
