package io.keygate.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.hsm.HsmToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tail of the log cannot vanish (issue 9): admin records are signed and exported to a file
 * outside the database before they count as recorded, and verify checks the database against the
 * file. The attack is the one reproduced against a real node: delete the newest records and their
 * signed heads with SQL, reset {@code audit_head}.
 */
abstract class AuditTailContract extends AuditTamperContract {
  private static final AtomicInteger FILES = new AtomicInteger();

  @TempDir Path sinkDir;
  Path headPath;
  AuditHeadFile headFile;
  AuditHeadSigner exportingSigner;
  SignedAuditLog adminLog;
  AuditVerifier sinkVerifier;

  @BeforeEach
  void openSink() throws Exception {
    headPath = sinkDir.resolve("audit-heads-" + FILES.incrementAndGet() + ".log");
    headFile = AuditHeadFile.open(headPath);
    exportingSigner = signerOver(token, headFile);
    adminLog = new SignedAuditLog(log, exportingSigner);
    sinkVerifier = new AuditVerifier(chain, signedHeads, token, Set.of(SIGNING_KEY), headFile, 3);
  }

  @AfterEach
  void closeSink() throws IOException {
    headFile.close();
  }

  AuditHeadSigner signerOver(HsmToken hsm, AuditHeadSink sink) {
    return new AuditHeadSigner(
        chain, signedHeads, hsm, SIGNING_KEY, clock, scheduler, Duration.ofMinutes(1), sink);
  }

  /** Admin calls 1..n, each recorded as the node's admin path records it. */
  void adminCalls(int from, int to) throws AuditException {
    for (int i = from; i <= to; i++) {
      adminLog.record(event(i));
    }
  }

  /** The reproduced attack: drop records and signed heads from {@code seq} on, reset the head. */
  void cutTailFrom(long seq) throws Exception {
    sql("DELETE FROM audit_log WHERE seq >= ?", seq);
    sql("DELETE FROM audit_signed_heads WHERE seq >= ?", seq);
    resetAuditHeadTo(seq - 1);
  }

  List<String> sinkLines() throws IOException {
    return Files.readAllLines(headPath, StandardCharsets.US_ASCII);
  }

  @Test
  void adminRecord_isSignedAndExportedToTheFile_beforeRecordReturns() throws Exception {
    adminCalls(1, 3);

    assertThat(count("audit_signed_heads")).as("one signed head per admin call").isEqualTo(3);
    assertThat(signedHeads.latest().orElseThrow().seq()).isEqualTo(3);
    List<String> lines = sinkLines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(2))
        .startsWith("keygate-audit-head-v1 seq=3 hash=" + hashAt(3) + " signed_at=")
        .contains(" time=" + T0 + " key=audit-signing signature=");
    VerificationReport report = sinkVerifier.verify();
    assertClean(report);
    assertThat(report.unsignedRecords()).isZero();
  }

  @Test
  void deletedTailAndSignedHeads_withTheHeadReset_areReportedFromTheFile_butPassCleanWithout()
      throws Exception {
    adminCalls(1, 5);

    cutTailFrom(4);

    VerificationReport report = sinkVerifier.verify();
    assertThat(summary(report)).containsExactly("TRUNCATED 4..5", "HEAD_MISSING 4..5");
    assertThat(report.problems(VerificationReport.Kind.TRUNCATED).get(0).description())
        .contains("exported to " + headPath)
        .contains("ends at 3");
    assertThat(report.problems(VerificationReport.Kind.HEAD_MISSING).get(0).description())
        .contains("2 heads exported to " + headPath + " (seqs 4..5)")
        .contains("not among the signed heads in the database");
    // The same attack against the database alone: nothing left in it to tell (the old finding).
    assertClean(verify());
  }

  @Test
  void cutBackBelowASurvivingSignedHead_isStillTruncated_andOnlyTheDeletedHeadsMissing()
      throws Exception {
    adminCalls(1, 4);
    sql("DELETE FROM audit_log WHERE seq >= 3");
    sql("DELETE FROM audit_signed_heads WHERE seq = 4");
    resetAuditHeadTo(2);

    assertThat(summary(sinkVerifier.verify()))
        .containsExactly("TRUNCATED 3..4", "HEAD_MISSING 4");
  }

  @Test
  void withoutSynchronousSigning_theSameAttackPassesClean_theDataPlaneWindow() throws Exception {
    adminCalls(1, 3);
    log.record(event(4)); // appended but, like a data-plane aggregate, left to the periodic signer
    log.record(event(5));

    cutTailFrom(4);

    VerificationReport report = sinkVerifier.verify();
    assertClean(report);
    assertThat(report.lastSeq()).isEqualTo(3);
  }

  @Test
  void afterTheAttack_aRestartedSignerRefuses_andAdminRecordsFailUnsigned() throws Exception {
    adminCalls(1, 5);
    cutTailFrom(4);

    // A fresh process knows nothing of what it signed, but the file remembers.
    AuditHeadSigner restarted = signerOver(token, headFile);
    SignedAuditLog restartedLog = new SignedAuditLog(new ChainedAuditLog(chain), restarted);

    assertThatThrownBy(restarted::signNow)
        .isInstanceOf(AuditTamperedException.class)
        .hasMessageContaining("refusing to sign")
        .hasMessageContaining("seq 5");
    assertThatThrownBy(() -> restartedLog.record(event(6)))
        .isInstanceOfSatisfying(
            AuditUnsignedException.class,
            e -> {
              assertThat(e.refusedForTampering()).isTrue();
              assertThat(e.seq()).isEqualTo(4);
            });
    assertThat(sinkLines()).as("nothing vouched for the cut-back log").hasSize(5);
  }

  @Test
  void failingHsm_failsTheRecord_unsigned_andNothingIsExported() throws Exception {
    HsmToken failing = tokens.open("audit");
    AuditHeadSigner signer = signerOver(failing, headFile);
    signer.ensureKey();
    failing.close(); // logged out, provider gone: every signature now fails
    SignedAuditLog failingLog = new SignedAuditLog(log, signer);

    assertThatThrownBy(() -> failingLog.record(event(1)))
        .isInstanceOfSatisfying(
            AuditUnsignedException.class,
            e -> {
              assertThat(e.refusedForTampering()).isFalse();
              assertThat(e.seq()).isEqualTo(1);
            });
    assertThat(count("audit_signed_heads")).isZero();
    assertThat(sinkLines()).isEmpty();
  }

  @Test
  void headSignedFirstByAnotherNode_isStillExportedToThisNodesFile() throws Exception {
    AuditHeadSigner otherNode = signerOver(token, AuditHeadSink.NONE);
    log.record(event(1));
    otherNode.signNow(); // won the race between this node's append and its signing

    assertThat(exportingSigner.signNow()).isEmpty();

    assertThat(sinkLines()).singleElement().asString().contains("seq=1 hash=" + hashAt(1));
    assertClean(sinkVerifier.verify());
  }

  @Test
  void junkAndAlteredLinesInTheFile_areFindings_neverTrusted() throws Exception {
    adminCalls(1, 2);
    String genuine = sinkLines().get(1);
    String altered = genuine.replace("seq=2 ", "seq=7 ");
    Files.writeString(
        headPath, "junk\n" + altered + "\n", StandardCharsets.US_ASCII, StandardOpenOption.APPEND);

    assertThat(summary(sinkVerifier.verify())).containsExactly("MALFORMED 0", "BAD_SIGNATURE 7");
  }
}
