package io.keygate.backend.payload;

/**
 * Why an encrypted message was refused (docs/payload-encryption.md, section 7). Each has a stable
 * code that the client sees in the {@code x-ca-error-code} trailer; the detail goes to the log.
 */
public enum PayloadFailure {
  /** Not a version-1 envelope: too short, unknown version, a key id outside the alphabet. */
  MALFORMED("PayloadMalformed"),
  /** The envelope names a key id the API does not hold. */
  KEY_UNKNOWN("PayloadKeyUnknown"),
  /** The envelope's counter is not the message's position in the call. */
  COUNTER_OUT_OF_ORDER("PayloadCounterOutOfOrder"),
  /** The tag does not verify: wrong key, moved to another call, or tampered. */
  REJECTED("PayloadRejected");

  private final String code;

  PayloadFailure(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
