package io.keygate.gateway.auth;

import io.keygate.gateway.config.ConfigSnapshot;
import io.keygate.gateway.model.Credential;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.KeyNotFoundException;
import io.keygate.hsm.WrappedSecretRejectedException;
import io.keygate.hsm.InvalidMacException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether a request carries a valid X-Ca signature (docs/signature-spec.md). Checks run
 * cheapest first, in three steps, and the HSM is asked only when nothing cheaper can refuse:
 *
 * <ol>
 *   <li>{@link #screen}, on the headers alone, before the gateway reads any message:
 *       presence, then form of the X-Ca headers (MissingSignatureHeader,
 *       MalformedSignatureHeader); timestamp within the replay window (InvalidTimestamp);
 *       AccessKey known (UnknownAccessKey), credential active (AccessKeyRevokedOrExpired)
 *   <li>{@link #verify}, once the first message is in: x-ca-content-sha256 equals its digest
 *       (BodyDigestMismatch); HMAC verified in the HSM (InvalidSignature)
 *   <li>{@link #recordNonce}, after the caller has also been authorized: nonce first seen for
 *       this AccessKey, and recorded (ReplayedNonce)
 * </ol>
 *
 * The nonce is recorded only after the signature verified and the call was authorized, so nobody
 * without the secret can use up a client's nonces, and calls that are refused anyway take no room
 * in the store. Thread-safe if the verifier and the store are.
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
   * All three steps at once, for a request whose first message is known. Never throws for
   * anything the client sent: every problem with the request is a {@link AuthResult.Rejected}.
   * Throws only when the gateway cannot decide, so it can answer UNAVAILABLE rather than guess.
   *
   * @throws HsmException if the HSM could not compute the HMAC (the nonce is not recorded)
   * @throws NonceStoreUnavailableException if the nonce store could not say whether the nonce is new
   */
  public AuthResult authenticate(SignedRequest request, ConfigSnapshot snapshot)
      throws HsmException, NonceStoreUnavailableException {
    Screening screening = screen(request, snapshot);
    if (screening instanceof Screening.Refused refused) {
      return refused.rejection();
    }
    Screening.Passed passed = (Screening.Passed) screening;
    AuthResult verified = verify(passed, request);
    if (!verified.isAuthenticated()) {
      return verified;
    }
    Optional<AuthResult.Rejected> replay = recordNonce(passed);
    return replay.isPresent() ? replay.get() : verified;
  }

  /**
   * Everything the headers alone decide; reads no message. Never throws for client input.
   *
   * @param request the call's path, authority and metadata; its first message is not needed
   */
  public Screening screen(SignedRequest request, ConfigSnapshot snapshot) {
    Instant now = replayWindow.now();
    SignatureHeaders headers;
    try {
      headers = SignatureHeaders.parse(request);
    } catch (Rejection r) {
      return new Screening.Refused(r.toResult());
    }
    String key = forLog(headers.accessKey());
    long timestamp = headers.timestampMillis();
    if (!replayWindow.accepts(timestamp, now)) {
      return refused(AuthFailure.BAD_TIMESTAMP, "accessKey=" + key + " timestamp is "
          + (timestamp - now.toEpochMilli()) + " ms from now, window " + replayWindow.window());
    }
    Optional<Credential> found = snapshot.credential(headers.accessKey());
    Optional<AuthResult.Rejected> unusable = refusal(headers.accessKey(), found, now);
    if (unusable.isPresent()) {
      return new Screening.Refused(unusable.get());
    }
    return new Screening.Passed(request, headers, found.get());
  }

  /**
   * Whether {@code accessKey} still names a credential that may authenticate, now: the check
   * {@link #screen} makes for every new call, repeated for calls in flight so that a revocation
   * or an expiry ends them too. Reads the snapshot and the clock only.
   *
   * @return the rejection a new call with this key would get (UnknownAccessKey,
   *     AccessKeyRevokedOrExpired), or empty while the credential is active
   */
  public Optional<AuthResult.Rejected> credentialRefusal(String accessKey, ConfigSnapshot snapshot) {
    return credentialRefusal(accessKey, snapshot, replayWindow.now());
  }

  private static Optional<AuthResult.Rejected> credentialRefusal(
      String accessKey, ConfigSnapshot snapshot, Instant now) {
    return refusal(accessKey, snapshot.credential(accessKey), now);
  }

  private static Optional<AuthResult.Rejected> refusal(
      String accessKey, Optional<Credential> found, Instant now) {
    if (found.isEmpty()) {
      return Optional.of(new AuthResult.Rejected(
          AuthFailure.UNKNOWN_KEY, "accessKey=" + forLog(accessKey) + " is unknown"));
    }
    Credential.State state = found.get().stateAt(now);
    if (state != Credential.State.ACTIVE) {
      return Optional.of(new AuthResult.Rejected(
          AuthFailure.KEY_REVOKED, "accessKey=" + forLog(accessKey) + " is " + state));
    }
    return Optional.empty();
  }

  /**
   * Checks the first message's digest and the signature (in the HSM). {@link
   * AuthResult.Authenticated} here means the signature is valid; the nonce is not recorded yet.
   *
   * @param withFirstMessage the screened request completed with its first message
   * @throws HsmException if the HSM could not compute the HMAC
   */
  public AuthResult verify(Screening.Passed passed, SignedRequest withFirstMessage)
      throws HsmException {
    SignatureHeaders headers = passed.headers();
    String key = forLog(headers.accessKey());
    if (!withFirstMessage.firstMessageDigestEquals(headers.contentSha256())) {
      return AuthResult.rejected(AuthFailure.BODY_DIGEST_MISMATCH,
          "accessKey=" + key + " x-ca-content-sha256 differs from the first message's digest");
    }
    SignedRequest request = passed.headersOnly();
    String authority = StringToSign.authority(request.authority());
    byte[] stringToSign = StringToSign.build(
        authority, headers.contentSha256Hex(), headers.signedHeaders(), request.path());
    Credential claimed = passed.claimed();
    try {
      macVerifier.verify(claimed, stringToSign, headers.signature());
    } catch (InvalidMacException mismatch) {
      return AuthResult.rejected(AuthFailure.BAD_SIGNATURE,
          // The authority as it went into the string-to-sign (lower-cased): the first thing to
          // compare with what the client signed. Never the signature, the secret or the nonce.
          "accessKey=" + key + " signature does not verify for authority=" + authority
              + " path=" + request.path() + " signed=" + headers.signedHeaders().keySet());
    } catch (WrappedSecretRejectedException | KeyNotFoundException unusable) {
      if (!claimed.isWrapped()) {
        throw unusable; // a token key that vanished: the HSM failing, not this credential
      }
      // The stored blob does not unwrap, or names a KEK the token lacks: this credential cannot
      // be checked, every other one still can.
      return AuthResult.rejected(AuthFailure.SECRET_UNUSABLE,
          "accessKey=" + key + " " + claimed.wrapped() + ": " + unusable.getMessage());
    }
    return AuthResult.authenticated(passed.claimed());
  }

  /**
   * The check of a v2 call's later messages, for a call whose signature {@link #verify} accepted;
   * empty for a v1 call.
   *
   * @param firstMessageSent false if the call half-closed without a message
   */
  public Optional<MessageChain> messageChain(Screening.Passed passed, boolean firstMessageSent) {
    SignatureHeaders headers = passed.headers();
    return headers.chained()
        ? Optional.of(new MessageChain(
            macVerifier, passed.claimed(), headers.signature(), firstMessageSent))
        : Optional.empty();
  }

  /**
   * Records the call's nonce; call it only for a verified and authorized call.
   *
   * @return empty if the nonce was new (now recorded), else the ReplayedNonce rejection
   * @throws NonceStoreUnavailableException if the store cannot say (or this key's or its
   *     tenant's share is full)
   */
  public Optional<AuthResult.Rejected> recordNonce(Screening.Passed passed)
      throws NonceStoreUnavailableException {
    SignatureHeaders headers = passed.headers();
    if (nonceStore.recordIfFirstSeen(passed.claimed().tenantId(), headers.accessKey(),
        headers.nonce(), replayWindow.nonceExpiry(headers.timestampMillis()))) {
      return Optional.empty();
    }
    return Optional.of(new AuthResult.Rejected(AuthFailure.REPLAYED_NONCE,
        "accessKey=" + forLog(headers.accessKey()) + " nonce=" + headers.nonce()
            + " was already accepted"));
  }

  private static Screening refused(AuthFailure failure, String detail) {
    return new Screening.Refused(new AuthResult.Rejected(failure, detail));
  }

  // Keys are printable ASCII (checked by the parser) but chosen by the caller: keep log lines short.
  private static String forLog(String accessKey) {
    return accessKey.length() <= MAX_KEY_IN_LOG ? accessKey : accessKey.substring(0, MAX_KEY_IN_LOG) + "...";
  }
}
