package io.keygate.gateway.admin.access;

import io.keygate.gateway.admin.access.AdminIdentity;
import io.keygate.gateway.admin.access.AdminPrincipal;
import io.keygate.gateway.admin.access.AdminPrincipals;
import io.keygate.gateway.admin.access.AdminRole;
import io.keygate.gateway.admin.access.IdentityMatch;

import io.keygate.gateway.config.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.jdbc.ConfigDatabase;
import io.keygate.gateway.store.StoreNotFoundException;
import io.keygate.gateway.model.Tenant;
import io.keygate.hsm.testing.MutableClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AdminPrincipals} and the V3 schema behind it, on a fresh database of one kind. Each test
 * uses its own names, so tests of a class share the database without seeing each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AdminPrincipalsContract {
  private static final AtomicInteger TEST = new AtomicInteger();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00.123Z"));
  private TestDatabase testDatabase;
  private ConfigDatabase database;
  private AdminPrincipals principals;
  private String p;

  abstract TestDatabase createDatabase(Path dir);

  @BeforeAll
  void open(@TempDir Path dir) throws Exception {
    testDatabase = createDatabase(dir);
    database = ConfigDatabase.open(testDatabase.settings());
    database.store(clock).createTenant(new Tenant("acme", "Acme"));
    principals = new AdminPrincipals(database.principals(), clock);
  }

  @AfterAll
  void drop() {
    if (database != null) {
      database.close();
    }
    if (testDatabase != null) {
      testDatabase.close();
    }
  }

  @BeforeEach
  void prefix() {
    p = "t" + TEST.incrementAndGet();
  }

  @Test
  void add_thenFind_returnsRoleTenantAndCreationTime() throws Exception {
    IdentityMatch id = IdentityMatch.subject("CN=" + p + ",O=Acme");

    AdminPrincipal added = principals.add(AdminPrincipal.tenantAdmin(id, "acme"));

    assertThat(added.createdAt()).isEqualTo(clock.instant());
    assertThat(principals.find(id)).contains(added);
    assertThat(principals.list()).contains(added);
  }

  @Test
  void find_byCaller_prefersAFingerprintMappingOverASubjectMapping() throws Exception {
    AdminIdentity caller =
        new AdminIdentity(IdentityMatch.subject("CN=" + p), p, IdentityMatch.sha256(sha256Hex(p)));
    principals.add(AdminPrincipal.auditor(caller.subject()));
    assertThat(principals.find(caller).orElseThrow().role()).isEqualTo(AdminRole.AUDITOR);

    principals.add(AdminPrincipal.officer(caller.sha256()));

    assertThat(principals.find(caller).orElseThrow().role()).isEqualTo(AdminRole.SECURITY_OFFICER);
  }

  @Test
  void find_byCaller_aFingerprintRowOfAnotherRole_cannotTakeTheOfficerRoleFromASubject()
      throws Exception {
    // A rogue officer maps another officer's certificate (fingerprints are no secret) as auditor:
    // that would demote the other officer alone, without dual control.
    AdminIdentity caller =
        new AdminIdentity(IdentityMatch.subject("CN=" + p), p, IdentityMatch.sha256(sha256Hex(p)));
    principals.add(AdminPrincipal.officer(caller.subject()));
    principals.add(AdminPrincipal.auditor(caller.sha256()));

    assertThat(principals.find(caller).orElseThrow().role()).isEqualTo(AdminRole.SECURITY_OFFICER);
    assertThat(principals.find(caller).orElseThrow().identity()).isEqualTo(caller.subject());
  }

  @Test
  void subjects_compareExactly_soCaseAndSpacesMatter() throws Exception {
    principals.add(AdminPrincipal.officer(IdentityMatch.subject("CN=" + p + "-alice")));

    assertThat(principals.find(new IdentityMatch(IdentityMatch.Kind.SUBJECT, "CN=" + p + "-ALICE")))
        .isEmpty();
    assertThat(
            principals.find(new IdentityMatch(IdentityMatch.Kind.SUBJECT, "CN=" + p + "-alice ")))
        .isEmpty();
  }

  @Test
  void add_anIdentityThatIsAlreadyMapped_isRefusedAsDuplicate() throws Exception {
    IdentityMatch id = IdentityMatch.subject("CN=" + p);
    principals.add(AdminPrincipal.auditor(id));

    assertThatThrownBy(() -> principals.add(AdminPrincipal.officer(id)))
        .isInstanceOfSatisfying(
            StoreConflictException.class,
            e -> assertThat(e.kind()).isEqualTo(StoreConflictException.Kind.DUPLICATE));
    assertThat(principals.find(id).orElseThrow().role()).isEqualTo(AdminRole.AUDITOR);
  }

  @Test
  void add_aTenantAdminOfAnUnknownTenant_isRefusedAsUnknownReference() {
    assertThatThrownBy(() ->
            principals.add(AdminPrincipal.tenantAdmin(IdentityMatch.subject("CN=" + p), "nope")))
        .isInstanceOfSatisfying(
            StoreConflictException.class,
            e -> assertThat(e.kind()).isEqualTo(StoreConflictException.Kind.UNKNOWN_REFERENCE));
  }

  @Test
  void remove_thenFindsNothing_andRemovingAgainIsNotFound() throws Exception {
    IdentityMatch id = IdentityMatch.subject("CN=" + p);
    principals.add(AdminPrincipal.auditor(id));

    principals.remove(id);

    assertThat(principals.find(id)).isEmpty();
    assertThatThrownBy(() -> principals.remove(id)).isInstanceOf(StoreNotFoundException.class);
  }

  @Test
  void schema_refusesRowsThatBreakTheRoleAndTenantRules_evenFromHandWrittenSql() throws Exception {
    String[] bad = {
      // tenant-admin without a tenant
      "INSERT INTO admin_principals VALUES ('SUBJECT', 'CN=" + p + "-a', 'tenant-admin', NULL, 0)",
      // auditor with a tenant
      "INSERT INTO admin_principals VALUES ('SUBJECT', 'CN=" + p + "-b', 'auditor', 'acme', 0)",
      // unknown role
      "INSERT INTO admin_principals VALUES ('SUBJECT', 'CN=" + p + "-c', 'root', NULL, 0)",
      // unknown tenant
      "INSERT INTO admin_principals VALUES ('SUBJECT', 'CN=" + p
          + "-d', 'tenant-admin', 'nope', 0)",
      // unknown identity kind
      "INSERT INTO admin_principals VALUES ('EMAIL', '" + p + "@x', 'auditor', NULL, 0)",
    };
    for (String sql : bad) {
      try (Connection c = database.dataSource().getConnection();
          Statement s = c.createStatement()) {
        assertThatThrownBy(() -> s.executeUpdate(sql)).as(sql).isInstanceOf(SQLException.class);
      }
    }
  }

  private static String sha256Hex(String text) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(java.security.MessageDigest.getInstance("SHA-256")
            .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void officerQuorum_closesTheBootstrapWindowForGood_onceMOfficersExisted() throws Exception {
    // Other tests of this class add officers too: remove them so this one starts from none.
    for (AdminPrincipal existing : principals.list()) {
      if (existing.role() == AdminRole.SECURITY_OFFICER) {
        principals.remove(existing.identity());
      }
    }
    OfficerQuorum node1 = new OfficerQuorum(principals, database.quorumHistory(), 2, clock);
    IdentityMatch first = IdentityMatch.subject("CN=" + p + "-q1");
    IdentityMatch second = IdentityMatch.subject("CN=" + p + "-q2");
    principals.add(AdminPrincipal.officer(first));
    assertThat(node1.bootstrapOpen()).isTrue();

    principals.add(AdminPrincipal.officer(second));
    assertThat(node1.bootstrapOpen()).isFalse();
    // The attack: one officer removes the other (even with the quorum). Below M again, yet one
    // person may not add officers alone any more, on this node or on another one.
    principals.remove(second);

    assertThat(node1.officers()).isEqualTo(1);
    assertThat(node1.bootstrapOpen()).isFalse();
    assertThat(new OfficerQuorum(principals, database.quorumHistory(), 2, clock).bootstrapOpen())
        .isFalse();
    assertThat(database.quorumHistory().reachedAt()).isPresent();
  }

  @Test
  void isLastOfficer_isTrueOnlyForTheOneRemainingOfficer() throws Exception {
    // Other tests of this class add officers too: remove them so this one starts from none.
    for (AdminPrincipal existing : principals.list()) {
      if (existing.role() == AdminRole.SECURITY_OFFICER) {
        principals.remove(existing.identity());
      }
    }
    IdentityMatch first = IdentityMatch.subject("CN=" + p + "-1");
    IdentityMatch second = IdentityMatch.subject("CN=" + p + "-2");
    principals.add(AdminPrincipal.officer(first));
    assertThat(principals.isLastOfficer(first)).isTrue();

    principals.add(AdminPrincipal.officer(second));

    assertThat(principals.isLastOfficer(first)).isFalse();
    assertThat(principals.isLastOfficer(IdentityMatch.subject("CN=" + p + "-none")))
        .isFalse();
  }
}
