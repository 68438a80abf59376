package io.keygate.gateway.auth;

import io.keygate.gateway.config.ConfigSnapshot;
import io.keygate.gateway.model.Credential;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.InvalidMacException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether a request carries a valid X-Ca signature (docs/signature-spec.md). Checks run
 * cheapest first, and the HSM is asked only when nothing cheaper can refuse:
 *
 * <ol>
 *   <li>presence, then form of the X-Ca headers (MissingSignatureHeader, MalformedSignatureHeader)
 *   <li>timestamp within the replay window (InvalidTimestamp)
 *   <li>x-ca-content-sha256 equals the digest of the first message (BodyDigestMismatch)
 *   <li>AccessKey known (UnknownAccessKey), credential active (AccessKeyRevokedOrExpired)
 *   <li>HMAC verified in the HSM (InvalidSignature)
 *   <li>nonce first seen for this AccessKey, and recorded (ReplayedNonce)
 * </ol>
 *
 * The nonce is recorded only after the signature verified, so nobody without the secret can use
 * up a client's nonces. Thread-safe if the verifier and the store are.
 */
public final class RequestAuthenticator {
  private static final int MAX_KEY_IN_LOG = 64;

  private final MacVerifier macVerifier;
  private final NonceStore nonceStore;
  private final ReplayWindow replayWindow;

  public RequestAuthenticator(MacVerifier macVerifier, NonceStore nonceStore, ReplayWindow replayWindow) {
    this.macVerifier = Objects.requireNonNull(macVerifier, "macVerifier");
    this.nonceStore = Objects.requireNonNull(nonceStore, "nonceStore");
    this.replayWindow = Objects.requireNonNull(replayWindow, "replayWindow");
  }

  /**
   * Never throws for anything the client sent: every problem with the request is a {@link
   * AuthResult.Rejected}. Throws only when the gateway cannot decide, so it can answer UNAVAILABLE
   * rather than guess.
   *
   * @throws HsmException if the HSM could not compute the HMAC (the nonce is not recorded)
   * @throws NonceStoreUnavailableException if the nonce store could not say whether the nonce is new
   */
  public AuthResult authenticate(SignedRequest request, ConfigSnapshot snapshot)
      throws HsmException, NonceStoreUnavailableException {
    Instant now = replayWindow.now();
    SignatureHeaders headers;
    try {
      headers = SignatureHeaders.parse(request);
    } catch (Rejection r) {
      return r.toResult();
    }
    String key = forLog(headers.accessKey());
    long timestamp = headers.timestampMillis();
    if (!replayWindow.accepts(timestamp, now)) {
      return AuthResult.rejected(AuthFailure.BAD_TIMESTAMP, "accessKey=" + key + " timestamp is "
          + (timestamp - now.toEpochMilli()) + " ms from now, window " + replayWindow.window());
    }
    if (!request.firstMessageDigestEquals(headers.contentSha256())) {
      return AuthResult.rejected(AuthFailure.BODY_DIGEST_MISMATCH,
          "accessKey=" + key + " x-ca-content-sha256 differs from the first message's digest");
    }
    Optional<Credential> found = snapshot.credential(headers.accessKey());
    if (found.isEmpty()) {
      return AuthResult.rejected(AuthFailure.UNKNOWN_KEY, "accessKey=" + key + " is unknown");
    }
    Credential credential = found.get();
    Credential.State state = credential.stateAt(now);
    if (state != Credential.State.ACTIVE) {
      return AuthResult.rejected(AuthFailure.KEY_REVOKED, "accessKey=" + key + " is " + state);
    }
    byte[] stringToSign = StringToSign.build(
        request.authority(), headers.contentSha256Hex(), headers.signedHeaders(), request.path());
    try {
      macVerifier.verify(credential.secretLabel(), stringToSign, headers.signature());
    } catch (InvalidMacException mismatch) {
      return AuthResult.rejected(AuthFailure.BAD_SIGNATURE,
          "accessKey=" + key + " signature does not verify for path=" + request.path()
              + " signed=" + headers.signedHeaders().keySet());
    }
    if (!nonceStore.recordIfFirstSeen(
        headers.accessKey(), headers.nonce(), replayWindow.nonceExpiry(timestamp))) {
      return AuthResult.rejected(AuthFailure.REPLAYED_NONCE,
          "accessKey=" + key + " nonce=" + headers.nonce() + " was already accepted");
    }
    return AuthResult.authenticated(credential);
  }

  // Keys are printable ASCII (checked by the parser) but chosen by the caller: keep log lines short.
  private static String forLog(String accessKey) {
    return accessKey.length() <= MAX_KEY_IN_LOG ? accessKey : accessKey.substring(0, MAX_KEY_IN_LOG) + "...";
  }
}
