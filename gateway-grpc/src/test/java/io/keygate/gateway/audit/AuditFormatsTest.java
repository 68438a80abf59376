package io.keygate.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The byte formats of docs/audit.md, pinned by the vectors printed there. The expected values were
 * computed by an independent implementation (Python hashlib/struct) from the document's
 * description, so an auditor re-implementing from the document gets the same bytes.
 */
class AuditFormatsTest {
  private static final long T0 = 1795694400000L; // 2026-11-26T12:00:00Z
  private static final HexFormat HEX = HexFormat.of();
  static final String[] RECORD_1 = {
    "CN=officer-1",
    "security-officer",
    "credential.create",
    "tenant/acme/credential/AK1",
    "SUCCESS",
    "req-1",
    "n=1"
  };
  static final String[] RECORD_2 = {
    "CN=Zo\u00eb", "tenant-admin", "api.remove", "tenant/acme/api/a", "DENIED", "-", ""
  };
  static final String HASH_1 = "8302b1dba82343f9d6503c32e0b250d03e50da212d43411f296066f0ffad48b6";
  static final String HASH_2 = "cc0e99a48aebd75fe7e641d849e0413b2b2cc80f6316ce17146789f42052fbc8";

  @Test
  void recordHash_matchesTheDocumentedVectors() {
    byte[] first = RecordHash.compute(RecordHash.ZERO, 1, T0, RECORD_1);
    byte[] second = RecordHash.compute(first, 2, T0 + 1500, RECORD_2);

    assertThat(HEX.formatHex(first)).isEqualTo(HASH_1);
    assertThat(HEX.formatHex(second)).isEqualTo(HASH_2);
  }

  @Test
  void recordHash_lengthPrefixesKeepShiftedFieldBoundariesApart() {
    String[] a = RECORD_1.clone();
    String[] b = RECORD_1.clone();
    a[0] = "CN=officer-1x";
    b[0] = "CN=officer-1";
    b[1] = "x" + b[1];
    a[1] = RECORD_1[1];

    assertThat(RecordHash.compute(RecordHash.ZERO, 1, T0, a))
        .isNotEqualTo(RecordHash.compute(RecordHash.ZERO, 1, T0, b));
  }

  @Test
  void recordHash_coversTheSeq_soAMovedRecordNoLongerMatches() {
    assertThat(RecordHash.compute(RecordHash.ZERO, 1, T0, RECORD_1))
        .isNotEqualTo(RecordHash.compute(RecordHash.ZERO, 2, T0, RECORD_1));
  }

  @Test
  void headSignatureInput_matchesTheDocumentedVector() {
    byte[] input = HeadSignature.input(2, HEX.parseHex(HASH_2), T0 + 60_000);

    assertThat(HEX.formatHex(input))
        .isEqualTo(
            "6b6579676174652d61756469742d686561642d7631" // "keygate-audit-head-v1"
                + "00"
                + "0000000000000002"
                + HASH_2
                + "000001a217bafc60");
    assertThat(input).hasSize(70);
  }

  @Test
  void headSignature_verifiesOnlyTheExactHead_andNeverThrowsForJunk() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = g.generateKeyPair();
    Signature signer = Signature.getInstance("SHA256withECDSA", "SunEC");
    signer.initSign(pair.getPrivate());
    signer.update(HeadSignature.input(2, HEX.parseHex(HASH_2), T0));
    String signature = HEX.formatHex(signer.sign());

    assertThat(
            HeadSignature.verifies(
                pair.getPublic(), new StoredSignedHead(2, HASH_2, signature, T0, "k")))
        .isTrue();
    assertThat(
            HeadSignature.verifies(
                pair.getPublic(), new StoredSignedHead(3, HASH_2, signature, T0, "k")))
        .isFalse();
    assertThat(
            HeadSignature.verifies(
                pair.getPublic(), new StoredSignedHead(2, HASH_1, signature, T0, "k")))
        .isFalse();
    assertThat(
            HeadSignature.verifies(
                pair.getPublic(), new StoredSignedHead(2, HASH_2, signature, T0 + 1, "k")))
        .isFalse();
    assertThat(
            HeadSignature.verifies(
                pair.getPublic(), new StoredSignedHead(2, HASH_2, "zz", T0, "k")))
        .isFalse();
    assertThat(
            HeadSignature.verifies(
                pair.getPublic(), new StoredSignedHead(2, "short", signature, T0, "k")))
        .isFalse();
  }
}
