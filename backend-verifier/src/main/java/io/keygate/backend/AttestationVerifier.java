package io.keygate.backend;

import io.grpc.Metadata;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks a call's attestation headers (no gRPC call types; the interceptor adapts): all present,
 * a trusted key, a timestamp within the window, a valid signature over the signed text (ECDSA
 * P-256, or HMAC-SHA256 compared in constant time, by the kind of key the key id names), and a request id not seen within the window. The first message's digest is checked
 * later, against {@link AttestedCall#contentSha256()}, when it arrives.
 */
public final class AttestationVerifier {
  /** Default: the gateway's hop is immediate; the window covers clock skew between hosts. */
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(60);
  public static final int DEFAULT_REPLAY_CAPACITY = 1_000_000;
  private static final int MAX_VALUE_LENGTH = 256;

  private final TrustedGatewayKeys keys;
  private final Clock clock;
  private final long windowMillis;
  private final RecentRequestIds seen;

  public AttestationVerifier(TrustedGatewayKeys keys, Clock clock, Duration window,
      int replayCapacity) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("the window must be positive");
    }
    this.windowMillis = window.toMillis();
    this.seen = new RecentRequestIds(replayCapacity);
  }

  public AttestationVerifier(TrustedGatewayKeys keys) {
    this(keys, Clock.systemUTC(), DEFAULT_WINDOW, DEFAULT_REPLAY_CAPACITY);
  }

  /** The outcome: the attested call, or why it was refused. */
  public sealed interface Outcome {
    record Verified(AttestedCall call) implements Outcome {}

    record Refused(AttestationError error) implements Outcome {}
  }

  /**
   * @param method the full method path as the backend received it ({@code /pkg.Service/Method})
   */
  public Outcome verify(String method, Metadata headers) {
    String tenant = headers.get(AttestationHeaders.TENANT);
    String app = headers.get(AttestationHeaders.APP);
    String api = headers.get(AttestationHeaders.API);
    String requestId = headers.get(AttestationHeaders.REQUEST_ID);
    String timestamp = headers.get(AttestationHeaders.TIMESTAMP);
    String digest = headers.get(AttestationHeaders.CONTENT_SHA256);
    String keyId = headers.get(AttestationHeaders.KEY_ID);
    String signature = headers.get(AttestationHeaders.SIGNATURE);
    String[] all = {tenant, app, api, requestId, timestamp, digest, keyId, signature};
    for (String value : all) {
      if (value == null) {
        return refused(AttestationError.MISSING);
      }
      if (value.isEmpty() || value.length() > MAX_VALUE_LENGTH) {
        return refused(AttestationError.MALFORMED);
      }
    }
    long signedAt;
    byte[] der;
    byte[] signed;
    try {
      signedAt = Long.parseLong(timestamp);
      if (!Long.toString(signedAt).equals(timestamp)) {
        return refused(AttestationError.MALFORMED); // one text per instant: no '+', no leading 0
      }
      der = Base64.getDecoder().decode(signature);
      if (Base64.getDecoder().decode(digest).length != 32) {
        return refused(AttestationError.MALFORMED);
      }
      signed = AttestationHeaders.stringToSign(method, tenant, app, api, requestId, signedAt,
          digest);
    } catch (IllegalArgumentException e) { // NumberFormatException too
      return refused(AttestationError.MALFORMED);
    }
    Optional<Key> key = keys.find(keyId);
    if (key.isEmpty()) {
      return refused(AttestationError.KEY_UNKNOWN);
    }
    long now = clock.millis();
    if (Math.abs(now - signedAt) > windowMillis) {
      return refused(AttestationError.EXPIRED);
    }
    if (!verifies(key.get(), signed, der)) {
      return refused(AttestationError.INVALID);
    }
    // Only a verified call is remembered: an attacker cannot fill the cache with made-up ids.
    return switch (seen.record(requestId, signedAt + windowMillis, now)) {
      case FIRST -> new Outcome.Verified(
          new AttestedCall(tenant, app, api, requestId, signedAt, digest));
      case REPLAYED -> refused(AttestationError.REPLAYED);
      case FULL -> refused(AttestationError.REPLAY_CACHE_FULL);
    };
  }

  private static boolean verifies(Key key, byte[] signed, byte[] der) {
    if (!(key instanceof PublicKey publicKey)) {
      // HMAC-SHA256: compared in constant time, so timing tells nothing of how much matched.
      return MessageDigest.isEqual(TrustedGatewayKeys.hmac(key, signed), der);
    }
    try {
      Signature ecdsa = Signature.getInstance("SHA256withECDSA");
      ecdsa.initVerify(publicKey);
      ecdsa.update(signed);
      return ecdsa.verify(der);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false; // a signature that is not DER, or not for this curve
    }
  }

  private static Outcome refused(AttestationError error) {
    return new Outcome.Refused(error);
  }
}
