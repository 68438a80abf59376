package io.keygate.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.keygate.gateway.audit.AuditHeadSigner;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.AuditProblem;
import io.keygate.proto.admin.v1.AuditQueryRequest;
import io.keygate.proto.admin.v1.AuditRecord;
import io.keygate.proto.admin.v1.AuditTailRequest;
import io.keygate.proto.admin.v1.AuditVerification;
import io.keygate.proto.admin.v1.AuditVerifyRequest;
import io.keygate.proto.admin.v1.CreateTenantRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Auditors and officers read and verify the real hash-chained audit log through the admin API
 * (SoftHSM2 token, H2, mutual TLS); tenant-admins may not; and every such call is audited itself.
 */
class AuditAdminTest {
  @RegisterExtension
  static SoftHsmTokens tokens = new SoftHsmTokens("admin");

  static AdminFixture admin;
  private static final AtomicInteger N = new AtomicInteger();
  private static final Calls.Refusal DENIED =
      Calls.refusal(Status.Code.PERMISSION_DENIED, "PermissionDenied");

  @BeforeAll
  static void start() throws Exception {
    admin = new AdminFixture(tokens).withJdbcAuditLog().start("admin");
  }

  @AfterAll
  static void stop() throws Exception {
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void auditor_tailsTheOfficersCalls_andItsOwnTailIsAuditedToo() throws Exception {
    String tenant = officerCreatesTenant();
    AdminServiceBlockingStub auditor = admin.as(admin.auditor);

    List<AuditRecord> tail =
        auditor.auditTail(AuditTailRequest.newBuilder().setCount(5).build()).getRecordsList();

    AuditRecord created = tail.get(tail.size() - 1);
    assertThat(created.getAction()).isEqualTo("tenant.create");
    assertThat(created.getTarget()).isEqualTo("tenant/" + tenant);
    assertThat(created.getActor()).isEqualTo(admin.officer.identity().auditActor());
    assertThat(created.getRole()).isEqualTo("security-officer");
    assertThat(created.getOutcome()).isEqualTo("SUCCESS");
    assertThat(created.getRequestId()).isNotEqualTo("-");
    assertThat(created.getHash()).matches("[0-9a-f]{64}");
    assertThat(tail).extracting(AuditRecord::getSeq).isSorted().doesNotHaveDuplicates();

    AuditRecord ownTail = auditor.auditTail(AuditTailRequest.newBuilder().setCount(1).build())
        .getRecords(0);
    assertThat(ownTail.getAction()).isEqualTo("audit.tail");
    assertThat(ownTail.getActor()).isEqualTo(admin.auditor.identity().auditActor());
    assertThat(ownTail.getSeq()).isEqualTo(created.getSeq() + 1);
    assertThat(ownTail.getDetail()).isEqualTo("records=" + tail.size() + " seq="
        + tail.get(0).getSeq() + ".." + created.getSeq());
  }

  @Test
  void auditor_queriesByActorActionAndTime() throws Exception {
    String tenant = officerCreatesTenant();
    Instant now = admin.clock.instant();

    List<AuditRecord> found = admin.as(admin.auditor).auditQuery(AuditQueryRequest.newBuilder()
        .setFrom(ts(now.minusSeconds(60)))
        .setTo(ts(now.plusSeconds(60)))
        .setActor(admin.officer.identity().auditActor())
        .setAction("tenant.create")
        .setLimit(100)
        .build()).getRecordsList();

    assertThat(found).isNotEmpty().allSatisfy(r -> {
      assertThat(r.getAction()).isEqualTo("tenant.create");
      assertThat(r.getRole()).isEqualTo("security-officer");
    });
    assertThat(found).extracting(AuditRecord::getTarget).contains("tenant/" + tenant);

    List<AuditRecord> before = admin.as(admin.auditor).auditQuery(AuditQueryRequest.newBuilder()
        .setTo(ts(now.minusSeconds(60)))
        .setLimit(100)
        .build()).getRecordsList();
    assertThat(before).isEmpty();
  }

  @Test
  void officer_mayReadTheLogToo() throws Exception {
    officerCreatesTenant();
    assertThat(admin.as(admin.officer)
            .auditTail(AuditTailRequest.newBuilder().setCount(1).build())
            .getRecordsCount())
        .isEqualTo(1);
  }

  @Test
  void limitOutOfRange_isInvalidArgument() {
    Calls.Refusal invalid = Calls.refusal(Status.Code.INVALID_ARGUMENT, "InvalidArgument");
    AdminServiceBlockingStub auditor = admin.as(admin.auditor);
    assertThat(Calls.status(() -> auditor.auditTail(AuditTailRequest.getDefaultInstance())))
        .isEqualTo(invalid);
    assertThat(Calls.status(() ->
            auditor.auditQuery(AuditQueryRequest.newBuilder().setLimit(10_001).build())))
        .isEqualTo(invalid);
  }

  @Test
  void tenantAdmin_isDeniedEveryAuditCall_andTheDenialIsAudited() throws Exception {
    AdminServiceBlockingStub acme = admin.as(admin.acmeAdmin);

    assertThat(Calls.status(() -> acme.auditTail(AuditTailRequest.newBuilder().setCount(1).build())))
        .isEqualTo(DENIED);
    assertThat(Calls.status(() -> acme.auditQuery(AuditQueryRequest.newBuilder().setLimit(1).build())))
        .isEqualTo(DENIED);
    assertThat(Calls.status(() -> acme.auditVerify(AuditVerifyRequest.getDefaultInstance())))
        .isEqualTo(DENIED);

    List<AuditRecord> denials = admin.as(admin.auditor).auditQuery(AuditQueryRequest.newBuilder()
        .setActor(admin.acmeAdmin.identity().auditActor())
        .setLimit(100)
        .build()).getRecordsList();
    assertThat(denials)
        .extracting(AuditRecord::getAction, AuditRecord::getOutcome)
        .contains(
            org.assertj.core.groups.Tuple.tuple("audit.tail", "DENIED"),
            org.assertj.core.groups.Tuple.tuple("audit.query", "DENIED"),
            org.assertj.core.groups.Tuple.tuple("audit.verify", "DENIED"));
  }

  /** The only test that tampers with the table: the others never assume it is clean. */
  @Test
  void verify_isCleanWithASignedHead_thenNamesTheEditedRecord() throws Exception {
    officerCreatesTenant();
    ScheduledExecutorService unused = Executors.newSingleThreadScheduledExecutor();
    try (AuditHeadSigner signer = new AuditHeadSigner(admin.database.auditChain(),
        admin.database.signedHeads(), admin.hsm,
        AuditHeadSigner.DEFAULT_KEY_LABEL, admin.clock, unused, Duration.ofMinutes(1))) {
      long signed = signer.signNow().orElseThrow().seq();
      AdminServiceBlockingStub auditor = admin.as(admin.auditor);

      AuditVerification clean = auditor.auditVerify(AuditVerifyRequest.getDefaultInstance());

      assertThat(clean.getClean()).isTrue();
      assertThat(clean.getProblemsList()).isEmpty();
      assertThat(clean.getLastVerifiedSignedSeq()).isEqualTo(signed);
      assertThat(clean.getSignedHeads()).isEqualTo(1);
      assertThat(clean.getRecords()).isEqualTo(clean.getLastSeq()).isGreaterThanOrEqualTo(signed);
      assertThat(clean.getUnsignedRecords()).isEqualTo(clean.getLastSeq() - signed);

      long victim = signed - 1;
      try (Connection c = admin.database.dataSource().getConnection();
          PreparedStatement s =
              c.prepareStatement("UPDATE audit_log SET detail = ? WHERE seq = ?")) {
        s.setString(1, "nothing to see here");
        s.setLong(2, victim);
        assertThat(s.executeUpdate()).isEqualTo(1);
      }

      AuditVerification tampered = auditor.auditVerify(AuditVerifyRequest.getDefaultInstance());

      assertThat(tampered.getClean()).isFalse();
      assertThat(tampered.getProblemsList())
          .extracting(AuditProblem::getKind, AuditProblem::getSeq, AuditProblem::getLastSeq)
          .contains(org.assertj.core.groups.Tuple.tuple("EDITED", victim, victim));
      assertThat(tampered.getProblemsList()).allSatisfy(p ->
          assertThat(p.getDescription()).isNotBlank());
    } finally {
      unused.shutdownNow();
    }
  }

  private static String officerCreatesTenant() {
    String id = "audited-" + N.incrementAndGet();
    admin.as(admin.officer)
        .createTenant(CreateTenantRequest.newBuilder().setId(id).setName("Audited").build());
    return id;
  }

  private static Timestamp ts(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }
}
