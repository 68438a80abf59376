package io.keygate.gateway.admin.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Context;
import io.grpc.Status;
import io.keygate.gateway.admin.TestAdminCa;
import io.keygate.gateway.admin.access.AdminAction;
import io.keygate.gateway.admin.access.AdminIdentity;
import io.keygate.gateway.admin.access.AdminPolicy;
import io.keygate.gateway.admin.access.AdminPrincipal;
import io.keygate.gateway.admin.access.AdminPrincipals;
import io.keygate.gateway.audit.AuditHeadFile;
import io.keygate.gateway.audit.AuditHeadSigner;
import io.keygate.gateway.audit.ChainedAuditLog;
import io.keygate.gateway.audit.SignedAuditLog;
import io.keygate.gateway.config.ManualScheduler;
import io.keygate.gateway.store.jdbc.ConfigDatabase;
import io.keygate.gateway.store.jdbc.ConfigDatabaseSettings;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.testing.MutableClock;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin path with the node's audit log (H2, a real SoftHSM2 token, the head file): an admin
 * call is answered only once its record is signed; a failing HSM fails the call instead of
 * answering unsigned; while the signer refuses for tampering only audit verify still answers.
 */
class AdminCallsAuditSigningTest {
  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("admin-signing");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
  private ConfigDatabase database;
  private HsmToken token;
  private AuditHeadFile headFile;
  private AdminPrincipals principals;
  private AdminIdentity officer;

  @BeforeEach
  void open(@TempDir Path dir) throws Exception {
    database = ConfigDatabase.open(ConfigDatabaseSettings.embeddedH2(dir));
    token = tokens.open("admin-signing");
    headFile = AuditHeadFile.open(dir.resolve("audit-heads.log"));
    principals = new AdminPrincipals(database.principals(), clock);
    officer = new TestAdminCa("CN=CA").issue("CN=officer").identity();
    principals.add(AdminPrincipal.officer(officer.sha256()));
  }

  @AfterEach
  void close() throws Exception {
    headFile.close();
    token.close();
    database.close();
  }

  private AdminCalls callsSignedBy(HsmToken hsm) {
    AuditHeadSigner signer = new AuditHeadSigner(database.auditChain(), database.signedHeads(),
        hsm, AuditHeadSigner.DEFAULT_KEY_LABEL, clock, new ManualScheduler(), Duration.ofMinutes(1),
        headFile);
    SignedAuditLog log = new SignedAuditLog(new ChainedAuditLog(database.auditChain()), signer);
    return new AdminCalls(principals, new AdminPolicy(), log, clock, () -> {});
  }

  @Test
  void adminWrite_isAnsweredOnlyOnceItsRecordIsSigned() throws Exception {
    Reply<String> reply = serve(callsSignedBy(token), AdminAction.TENANT_CREATE);

    assertThat(reply.value).isEqualTo("done");
    long seq = database.auditChain().head().orElseThrow().seq();
    assertThat(database.signedHeads().latest().orElseThrow().seq()).isEqualTo(seq);
  }

  @Test
  void failingHsm_failsTheAdminCall_auditUnavailable_ratherThanAnsweringUnsigned()
      throws Exception {
    HsmToken failing = tokens.open("admin-signing");
    AdminCalls calls = callsSignedBy(failing);
    failing.close(); // logged out: every signature fails from now on

    Reply<String> reply = serve(calls, AdminAction.TENANT_CREATE);

    assertThat(reply.value).as("no result without a signed record").isNull();
    assertThat(reply.status()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(reply.error.getTrailers().get(AdminErrors.ERROR_CODE)).isEqualTo("AuditUnavailable");
    assertThat(database.signedHeads().latest()).isEmpty();
  }

  @Test
  void whileTheSignerRefusesForTampering_onlyAuditVerifyAnswers() throws Exception {
    AdminCalls calls = callsSignedBy(token);
    serve(calls, AdminAction.TENANT_CREATE);
    serve(calls, AdminAction.TENANT_CREATE);
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM audit_log WHERE seq >= 2");
      s.executeUpdate("DELETE FROM audit_signed_heads WHERE seq >= 2");
      s.executeUpdate("UPDATE audit_head SET seq = 1, hash = (SELECT hash FROM audit_log"
          + " WHERE seq = 1) WHERE id = 1");
    }
    // Later calls differ from the deleted one (a record identical in every field would re-create
    // exactly the deleted log, which is no loss).
    clock.advance(Duration.ofSeconds(1));

    assertThat(serve(calls, AdminAction.TENANT_CREATE).status())
        .isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(serve(calls, AdminAction.TENANT_LIST).status())
        .as("reads too: nothing is answered unsigned")
        .isEqualTo(Status.Code.UNAVAILABLE);
    Reply<String> verify = serve(calls, AdminAction.AUDIT_VERIFY);
    assertThat(verify.value).as("the report that explains the refusal").isEqualTo("done");
  }

  private Reply<String> serve(AdminCalls calls, AdminAction action) {
    Reply<String> reply = new Reply<>();
    Context.current()
        .withValue(AdminIdentityInterceptor.REQUEST_ID, "req-1")
        .withValue(AdminIdentityInterceptor.IDENTITY, officer)
        .run(() -> calls.serve(action, null, "tenant/x", reply, c -> "done"));
    assertThat(reply.completed || reply.error != null).as("answered").isTrue();
    return reply;
  }
}
