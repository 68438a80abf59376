package io.keygate.gateway.audit;


import io.keygate.gateway.config.ManualScheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.gateway.audit.VerificationReport.Problem;
import io.keygate.gateway.store.StoreException;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.testing.MutableClock;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared set-up of the audit contracts: one fresh database per class (real H2, MariaDB or
 * PostgreSQL, migrated by Flyway) and one real SoftHSM2 token; every test starts from an empty log.
 * Tamper helpers write to the tables with plain SQL, as an attacker with database access would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AuditLogContract {
  static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
  static final KeyLabel SIGNING_KEY = KeyLabel.of("audit-signing");
  static final String COLUMNS =
      "seq, event_time, actor, role, action, target, outcome, request_id, detail, prev_hash, hash";

  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("audit");

  AuditTestDatabase db;
  DataSource ds;
  HsmToken token;
  final MutableClock clock = new MutableClock(T0);
  AuditChain chain;
  SignedHeads signedHeads;
  ChainedAuditLog log;
  ManualScheduler scheduler;
  AuditHeadSigner signer;
  AuditVerifier verifier;

  abstract AuditTestDatabase createDatabase(Path dir) throws Exception;

  @BeforeAll
  void open(@TempDir Path dir) throws Exception {
    db = createDatabase(dir);
    ds = db.database.dataSource();
    chain = db.database.auditChain();
    signedHeads = db.database.signedHeads();
    token = tokens.open("audit");
  }

  @AfterAll
  void close() {
    if (token != null) {
      token.close();
    }
    if (db != null) {
      db.close();
    }
  }

  @BeforeEach
  void emptyLog() throws SQLException {
    sql("DELETE FROM audit_log");
    sql("DELETE FROM audit_signed_heads");
    sql("UPDATE audit_head SET seq = 0, hash = '" + RecordHash.ZERO_HEX + "' WHERE id = 1");
    clock.set(T0);
    log = new ChainedAuditLog(chain);
    scheduler = new ManualScheduler();
    signer = new AuditHeadSigner(chain, signedHeads, token, SIGNING_KEY, clock, scheduler, Duration.ofMinutes(1));
    // Pages of 3 rows put page boundaries next to every tampered record.
    verifier = new AuditVerifier(chain, signedHeads, token, Set.of(SIGNING_KEY), AuditHeadSink.NONE, 3);
  }

  // ---- writing ----

  AuditEvent event(int i) {
    return new AuditEvent(
        T0.plusSeconds(i),
        "CN=officer-" + (i % 3),
        "security-officer",
        "credential.create",
        "tenant/acme/credential/AK" + i,
        AuditEvent.Outcome.SUCCESS,
        "req-" + i,
        "n=" + i);
  }

  /** Appends events 1..n (seq i holds event i on an empty log). */
  void append(int n) throws AuditException {
    for (int i = 1; i <= n; i++) {
      log.record(event(i));
    }
  }

  void appendMore(int from, int to) throws AuditException {
    for (int i = from; i <= to; i++) {
      log.record(event(i));
    }
  }

  // ---- tampering, with plain SQL ----

  void sql(String statement, Object... params) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement s = c.prepareStatement(statement)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      s.executeUpdate();
    }
  }

  StoredRecord row(long seq) throws StoreException {
    return chain.record(seq).orElseThrow();
  }

  String hashAt(long seq) throws StoreException {
    return row(seq).hash();
  }

  /** What an attacker who hides his traces does after deleting from the tail. */
  void resetAuditHeadTo(long seq) throws SQLException, StoreException {
    sql("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", seq, hashAt(seq));
  }

  /** Overwrites every column of row {@code seq} but the seq itself. */
  void overwrite(long seq, StoredRecord from) throws SQLException {
    sql(
        "UPDATE audit_log SET event_time = ?, actor = ?, role = ?, action = ?, target = ?,"
            + " outcome = ?, request_id = ?, detail = ?, prev_hash = ?, hash = ? WHERE seq = ?",
        from.eventTimeMillis(),
        from.actor(),
        from.role(),
        from.action(),
        from.target(),
        from.outcome(),
        from.requestId(),
        from.detail(),
        from.prevHash(),
        from.hash(),
        seq);
  }

  /** Inserts a self-consistent forged record (its hash is right for its content and prev). */
  String insertForged(long seq, String prevHash) throws SQLException {
    String[] fields = {
      "CN=mallory",
      "security-officer",
      "key.destroy",
      "tenant/acme/key/k1",
      "SUCCESS",
      "-",
      "forged"
    };
    long time = T0.plusSeconds(seq).toEpochMilli();
    String hash = RecordHash.hex(RecordHash.compute(RecordHash.parse(prevHash), seq, time, fields));
    sql(
        "INSERT INTO audit_log (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        seq,
        time,
        fields[0],
        fields[1],
        fields[2],
        fields[3],
        fields[4],
        fields[5],
        fields[6],
        prevHash,
        hash);
    return hash;
  }

  /** Moves rows with seq >= from by {@code by}, in two steps so no primary key collides. */
  void renumberFrom(long from, long by) throws SQLException {
    sql("UPDATE audit_log SET seq = seq + 1000000 WHERE seq >= ?", from);
    sql("UPDATE audit_log SET seq = seq - 1000000 + ? WHERE seq >= 1000000", by);
  }

  // ---- reading results ----

  VerificationReport verify() throws AuditException {
    return verifier.verify();
  }

  /** "KIND seq" or "KIND first..last" per problem: short enough to assert exactly. */
  static List<String> summary(VerificationReport report) {
    List<String> out = new ArrayList<>();
    for (Problem p : report.problems()) {
      out.add(
          p.kind() + " " + (p.seq() == p.lastSeq() ? "" + p.seq() : p.seq() + ".." + p.lastSeq()));
    }
    return out;
  }

  static void assertClean(VerificationReport report) {
    assertThat(report.problems()).as(report.toString()).isEmpty();
  }

  long count(String table) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM " + table);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
