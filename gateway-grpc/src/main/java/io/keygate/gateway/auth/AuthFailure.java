package io.keygate.gateway.auth;

/**
 * Why a call was not authenticated. Each has a stable code that clients receive in the
 * {@code x-keygate-error-code} trailer; the message clients see is fixed (never the detail).
 */
public enum AuthFailure {
  MISSING_HEADER("MissingSignatureHeader"),
  MALFORMED_HEADER("MalformedSignatureHeader"),
  BAD_TIMESTAMP("InvalidTimestamp"),
  REPLAYED_NONCE("ReplayedNonce"),
  UNKNOWN_KEY("UnknownAccessKey"),
  KEY_REVOKED("AccessKeyRevokedOrExpired"),
  BAD_SIGNATURE("InvalidSignature"),
  BODY_DIGEST_MISMATCH("BodyDigestMismatch"),
  /** The credential's stored secret cannot be used (a blob that does not unwrap, an unknown KEK). */
  SECRET_UNUSABLE("CredentialUnusable"),
  /** v2: a later message is not an envelope (too short, unknown kind, data after the end marker). */
  MALFORMED_ENVELOPE("MalformedMessageEnvelope"),
  /** v2: a later message's MAC does not verify at its place (tampered, dropped, reordered, swapped). */
  BAD_MESSAGE_SIGNATURE("InvalidMessageSignature"),
  /** v2: the client half-closed without a verified end marker (messages dropped at the end). */
  STREAM_TRUNCATED("StreamTruncated"),
  /** A version-1 call to an API that requires version 2 (its own or its tenant's requirement). */
  VERSION_REQUIRED("SignatureVersionRequired");

  private final String code;

  AuthFailure(String code) {
    this.code = code;
  }

  /** The stable, documented error code. */
  public String code() {
    return code;
  }
}
