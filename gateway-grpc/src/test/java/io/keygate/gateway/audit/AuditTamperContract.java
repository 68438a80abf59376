package io.keygate.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.KeyLabel;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Tampering with the tables directly, as someone with write access to the database would, and the
 * report naming what was done to which record.
 */
abstract class AuditTamperContract extends AuditChainContract {

  @Test
  void editedField_isReportedAsEdited_atItsSeq() throws Exception {
    append(10);
    sql("UPDATE audit_log SET actor = 'CN=someone-else' WHERE seq = 5");

    assertThat(summary(verify())).containsExactly("EDITED 5");
  }

  @Test
  void editedTimeOrOutcome_isReportedAsEdited() throws Exception {
    append(10);
    sql("UPDATE audit_log SET event_time = event_time + 1 WHERE seq = 3");
    sql("UPDATE audit_log SET outcome = 'DENIED' WHERE seq = 8");

    assertThat(summary(verify())).containsExactly("EDITED 3", "EDITED 8");
  }

  @Test
  void deletedMiddleRecord_isReportedAsDeleted_withItsSeq() throws Exception {
    append(10);
    sql("DELETE FROM audit_log WHERE seq = 5");

    assertThat(summary(verify())).containsExactly("DELETED 5");
  }

  @Test
  void deletedRecord_withTheRestRenumberedToCloseTheGap_isStillReportedAsDeleted()
      throws Exception {
    append(10);
    sql("DELETE FROM audit_log WHERE seq = 5");
    renumberFrom(6, -1);
    resetAuditHeadTo(9);

    // Seqs 5..9 now hold the records written as 6..10.
    assertThat(summary(verify())).containsExactly("DELETED 5", "REORDERED 5..9");
  }

  @Test
  void deletedLastRecordsAfterASignedHead_areReportedAsTruncated_evenWithTheHeadReset()
      throws Exception {
    append(10);
    signer.signNow();
    appendMore(11, 12);
    sql("DELETE FROM audit_log WHERE seq >= 9");

    assertThat(summary(verify()))
        .as("the audit head still says 12, the signed head 10")
        .containsExactly("TRUNCATED 9..10", "TRUNCATED 9..12");

    resetAuditHeadTo(8); // covering traces: only the HSM signature remains
    VerificationReport report = verify();
    assertThat(summary(report)).containsExactly("TRUNCATED 9..10");
    assertThat(report.problems().get(0).description())
        .contains("signed head")
        .contains("ends at 8");
    assertThatThrownBy(signer::signNow)
        .as("the signer must not vouch for the cut-back log")
        .isInstanceOf(AuditTamperedException.class)
        .hasMessageContaining("refusing to sign");
  }

  @Test
  void deletedUnsignedTail_isCaughtByTheAuditHead_butNotOnceItIsReset_theDocumentedWindow()
      throws Exception {
    append(10);
    signer.signNow();
    appendMore(11, 12);
    sql("DELETE FROM audit_log WHERE seq >= 11");

    assertThat(summary(verify())).containsExactly("TRUNCATED 11..12");

    // The residual risk (docs/audit.md): records after the last signed head, deleted together with
    // a reset of audit_head, leave no trace in the database.
    resetAuditHeadTo(10);
    VerificationReport report = verify();
    assertClean(report);
    assertThat(report.lastVerifiedSignedSeq()).isEqualTo(10);
    assertThat(report.unsignedRecords()).isZero();
  }

  @Test
  void swappedRecords_areReportedAsReordered_atBothSeqs() throws Exception {
    append(10);
    StoredRecord four = row(4);
    StoredRecord five = row(5);
    overwrite(4, five);
    overwrite(5, four);

    VerificationReport report = verify();

    assertThat(summary(report)).containsExactly("REORDERED 4", "REORDERED 5");
    assertThat(report.problems().get(0).description()).contains("written as seq 5");
  }

  @Test
  void swappedContents_keepingTheHashesInPlace_areReportedAsReordered() throws Exception {
    append(10);
    StoredRecord four = row(4);
    StoredRecord five = row(5);
    sql(
        "UPDATE audit_log SET actor = ?, target = ?, request_id = ?, detail = ?, event_time = ?"
            + " WHERE seq = 4",
        five.actor(),
        five.target(),
        five.requestId(),
        five.detail(),
        five.eventTimeMillis());
    sql(
        "UPDATE audit_log SET actor = ?, target = ?, request_id = ?, detail = ?, event_time = ?"
            + " WHERE seq = 5",
        four.actor(),
        four.target(),
        four.requestId(),
        four.detail(),
        four.eventTimeMillis());

    VerificationReport report = verify();

    assertThat(summary(report)).containsExactly("REORDERED 4", "REORDERED 5");
    assertThat(report.problems().get(1).description()).contains("recorded as seq 4");
  }

  @Test
  void forgedRecordInsertedInTheMiddle_withAPlausibleButWrongPrevHash_isReportedAsInserted()
      throws Exception {
    append(10);
    renumberFrom(6, +1); // make room at 6
    insertForged(6, hashAt(4)); // a real hash from the chain, but not its predecessor's

    VerificationReport report = verify();

    assertThat(summary(report)).contains("INSERTED 6", "REORDERED 7..11");
    assertThat(report.problems())
        .as("nothing before the forgery is blamed")
        .allMatch(p -> p.seq() >= 6);
    assertThat(summary(report))
        .as("the shifted records no longer match the audit head, and the last is beyond it")
        .containsExactly("INSERTED 6", "REORDERED 7..11", "HEAD_MISMATCH 10", "INSERTED 11");
  }

  @Test
  void forgedRecordInsertedInTheMiddle_withTheRightPrevHash_isReportedAsInserted()
      throws Exception {
    append(10);
    renumberFrom(6, +1);
    insertForged(6, hashAt(5)); // chains perfectly from 5: only 7's link gives it away
    resetAuditHeadTo(11);

    assertThat(summary(verify())).containsExactly("INSERTED 6", "REORDERED 7..11");
  }

  @Test
  void replacedRecord_rehashedByTheAttacker_isReportedAsInserted() throws Exception {
    append(10);
    sql("DELETE FROM audit_log WHERE seq = 5");
    insertForged(5, hashAt(4));

    VerificationReport report = verify();

    assertThat(summary(report)).containsExactly("INSERTED 5");
    assertThat(report.problems().get(0).description()).contains("replaced");
  }

  @Test
  void forgedRecordAppendedAtTheEnd_isReportedAsInserted_andBlocksFurtherAppends()
      throws Exception {
    append(10);
    insertForged(11, hashAt(10)); // a perfect chain extension, but the audit head never issued it

    assertThat(summary(verify())).containsExactly("INSERTED 11");
    assertThatThrownBy(() -> log.record(event(11)))
        .as("the chain must not fork or adopt the forgery")
        .isInstanceOf(AuditTamperedException.class)
        .hasMessageContaining("seq 11");
  }

  @Test
  void forgedRecordAppendedAtTheEnd_withAWrongPrevHash_isReportedAsInserted() throws Exception {
    append(10);
    insertForged(11, hashAt(9));
    resetAuditHeadTo(11); // even with the head moved along

    assertThat(summary(verify())).containsExactly("INSERTED 11");
  }

  @Test
  void forgedSignedHeads_areReportedAsBadSignatures_atTheirSeq() throws Exception {
    append(6);
    signer.signNow();
    appendMore(7, 8);
    signer.signNow();
    // 1: a genuine head moved to vouch for another record.
    sql("UPDATE audit_signed_heads SET seq = 5, hash = ? WHERE seq = 6", hashAt(5));
    // 2: a head signed by another key of the same HSM, which is not a trusted audit key.
    KeyLabel rogue = KeyLabel.of("rogue");
    token.generateEcKey(
        rogue,
        new CertificateProfile(
            "rogue", java.util.List.of(), java.util.List.of(), Duration.ofDays(1)));
    byte[] input = HeadSignature.input(3, RecordHash.parse(hashAt(3)), T0.toEpochMilli());
    sql(
        "INSERT INTO audit_signed_heads VALUES (3, ?, ?, ?, 'rogue')",
        hashAt(3),
        RecordHash.hex(token.sign(rogue, input)),
        T0.toEpochMilli());
    // 3: junk claiming the trusted label.
    sql(
        "INSERT INTO audit_signed_heads VALUES (2, ?, '3045022100', ?, 'audit-signing')",
        hashAt(2),
        T0.toEpochMilli());
    // 4: a genuine head whose signing time was moved.
    sql("UPDATE audit_signed_heads SET signed_at = signed_at - 1 WHERE seq = 8");

    VerificationReport report = verify();

    assertThat(summary(report))
        .containsExactly(
            "BAD_SIGNATURE 2", "BAD_SIGNATURE 3", "BAD_SIGNATURE 5", "BAD_SIGNATURE 8");
    assertThat(report.problems().get(1).description()).contains("rogue").contains("not a trusted");
    assertThat(report.lastVerifiedSignedSeq()).isZero();
    assertThatThrownBy(signer::signNow)
        .as("a forged latest head must not make the signer believe the head is signed")
        .isInstanceOf(AuditTamperedException.class)
        .hasMessageContaining("valid signature");
  }

  @Test
  void chainRewrittenConsistentlyFromAnEditedRecord_isCaughtByTheSignedHead() throws Exception {
    append(8);
    signer.signNow();
    // The careful attacker edits record 3 and re-computes every hash after it.
    sql("UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 3");
    String prev = hashAt(2);
    for (long seq = 3; seq <= 8; seq++) {
      StoredRecord r = row(seq);
      String hash = RecordHash.hex(r.computeHash(RecordHash.parse(prev), seq));
      sql("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", prev, hash, seq);
      prev = hash;
    }
    resetAuditHeadTo(8);

    VerificationReport report = verify();

    assertThat(summary(report)).containsExactly("HEAD_MISMATCH 8");
    assertThat(report.problems().get(0).description()).contains("rewritten");
  }

  @Test
  void severalTamperings_areAllReported_whateverThePageSize() throws Exception {
    append(6);
    signer.signNow();
    appendMore(7, 20);
    sql("UPDATE audit_log SET detail = 'x' WHERE seq = 2");
    sql("DELETE FROM audit_log WHERE seq = 6"); // the signed one
    overwrite(12, row(13)); // record 12 replaced by a copy of 13
    sql("DELETE FROM audit_log WHERE seq >= 19");
    List<String> expected =
        List.of(
            "EDITED 2",
            "DELETED 6",
            "HEAD_MISMATCH 6",
            "DELETED 12",
            "REORDERED 12",
            "TRUNCATED 19..20");

    for (int pageSize : new int[] {1, 2, 5, AuditVerifier.PAGE}) {
      VerificationReport report =
          new AuditVerifier(chain, signedHeads, token, Set.of(SIGNING_KEY), AuditHeadSink.NONE, pageSize).verify();
      assertThat(summary(report)).as("page size " + pageSize).containsExactlyElementsOf(expected);
    }
  }
}
