package io.keygate.backend;

/**
 * Why a backend refused a call, as a stable code: the status is always UNAUTHENTICATED, the code
 * goes in the {@code x-keygate-backend-error} trailer, and the description is fixed (it never
 * repeats what the caller sent).
 */
public enum AttestationError {
  /** A header of the attestation is absent: the call did not come through a gateway. */
  MISSING("AttestationMissing", "the call carries no gateway attestation"),
  /** A header is there but not in its form (timestamp, base64, signature encoding). */
  MALFORMED("AttestationMalformed", "the gateway attestation is malformed"),
  /** The key id names no key this backend trusts. */
  KEY_UNKNOWN("AttestationKeyUnknown", "the attestation names a key this backend does not trust"),
  /** The timestamp is outside the backend's window. */
  EXPIRED("AttestationExpired", "the attestation is outside the time window"),
  /** The signature does not verify: identity, method, time or digest were changed. */
  INVALID("AttestationInvalid", "the attestation does not verify"),
  /** The request id was attested before, within the window: a captured call sent again. */
  REPLAYED("AttestationReplayed", "the attested call was already received"),
  /** The first message is not the one the gateway attested. */
  BODY_MISMATCH("AttestationBodyMismatch", "the message is not the one the gateway attested"),
  /** The backend remembers too many recent request ids to check one more: refused, not risked. */
  REPLAY_CACHE_FULL("AttestationReplayCacheFull", "the backend cannot check for replays now");

  private final String code;
  private final String description;

  AttestationError(String code, String description) {
    this.code = code;
    this.description = description;
  }

  public String code() {
    return code;
  }

  public String description() {
    return description;
  }
}
