package io.keygate.hsm.testing;

/**
 * What the contract suites expect of one PKCS#11 library where libraries differ. Each difference
 * is an assertion in the suite, per library, never a skip: if a library changes its behaviour
 * the suite fails and this record (and docs/pkcs11-libraries.md) must be updated.
 *
 * @param generatedKeysAlwaysSensitive whether keys generated through SunPKCS11 report
 *     CKA_ALWAYS_SENSITIVE and CKA_NEVER_EXTRACTABLE true. SoftHSM2: yes. NSS softokn: no (both
 *     false), although the keys are sensitive and unextractable now. SunPKCS11 generates such keys
 *     as session objects and its KeyStore copies them into the token; the copy is the likely
 *     reason NSS does not vouch for their history.
 * @param wrapRefusesUnextractableKeys whether C_WrapKey refuses a key whose CKA_EXTRACTABLE is
 *     false (CKR_KEY_UNEXTRACTABLE). SoftHSM2: yes. NSS softokn 3.87: NO - it wraps such keys, and
 *     the suite proves the secret comes out by unwrapping it in software. On NSS, non-extractability
 *     holds against JCA callers (getEncoded) and attribute reads, not against a caller who has the
 *     PIN and speaks PKCS#11 directly: NSS's software token is a test library, not a boundary.
 * @param nonSensitiveTokenKeyValueReadable whether CKA_VALUE of a token key created with
 *     CKA_SENSITIVE=false can be read (the positive control of the value-read check). SoftHSM2:
 *     yes. NSS softokn: no, it refuses CKA_VALUE of every token key (CKR_ATTRIBUTE_SENSITIVE).
 * @param storageLoss what a running process sees after the token's files are deleted under it
 */
public record LibraryBehaviour(
    boolean generatedKeysAlwaysSensitive,
    boolean wrapRefusesUnextractableKeys,
    boolean nonSensitiveTokenKeyValueReadable,
    StorageLoss storageLoss) {

  public enum StorageLoss {
    /**
     * Every operation fails with TokenUnavailableException and health turns DOWN (the canary
     * tells "key gone" from "token gone"). SoftHSM2: it re-reads its object files per operation.
     */
    FAILS_CLOSED,
    /**
     * Keys keep answering from the database files the library still holds open (unlinked files
     * stay readable on Linux), and the canary stays alive, so health stays UP: the fail-closed
     * claim does not hold. NSS softokn (SQLite). Writes after the loss hang in NSS's retry loop,
     * so the suite does not attempt one.
     */
    KEEPS_SERVING_FROM_OPEN_FILES
  }
}
