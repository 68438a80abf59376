package io.keygate.gateway.attestation;

import io.grpc.Metadata;
import io.keygate.gateway.dataplane.AdmittedCall;
import io.keygate.gateway.dataplane.BackendHeaders;
import io.keygate.gateway.dataplane.IdentityHeaders;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.payload.PayloadException;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.SigningKeys;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * Attests each authenticated call to its backend (docs/backend-attestation.md, version 1): the
 * identity headers plus API, timestamp and the first message's SHA-256, signed with ECDSA P-256
 * by a key in the token ({@code KEYGATE_BACKEND_ATTESTATION_KEY}). A backend holding only the
 * public key (the {@code backend-verifier} module) can then tell a call that came through the
 * gateway from one that did not, and a body or identity changed on the way.
 *
 * <p>Runs on the HSM lane, after the caller's signature verified. Written apart from the
 * verifier's code on purpose: the JSON vectors prove the two agree.
 */
public final class BackendAttestor implements BackendHeaders {
  static final String VERSION_LINE = "keygate-backend-attestation-v1";
  static final Metadata.Key<String> API = key("x-keygate-api");
  static final Metadata.Key<String> TIMESTAMP = key("x-keygate-timestamp");
  static final Metadata.Key<String> CONTENT_SHA256 = key("x-keygate-content-sha256");
  static final Metadata.Key<String> KEY_ID = key("x-keygate-attestation-key");
  static final Metadata.Key<String> SIGNATURE = key("x-keygate-attestation");

  /** Signs the attested text in the token. */
  interface Signer {
    byte[] sign(byte[] text) throws HsmException;
  }

  private final Signer signer;
  private final String keyId;
  private final Clock clock;

  BackendAttestor(Signer signer, String keyId, Clock clock) {
    this.signer = Objects.requireNonNull(signer, "signer");
    this.keyId = Objects.requireNonNull(keyId, "keyId");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * With the EC P-256 key {@code label} of the token (the officer made it, e.g. {@code
   * keystore-admin bootstrap tls-key --label backend-attestation --cert-out attest.pem}).
   *
   * @throws HsmException if the key is not there (the node does not start)
   */
  public static BackendAttestor inToken(SigningKeys token, KeyLabel label, Clock clock)
      throws HsmException {
    String keyId = keyId(token.publicKey(label));
    return new BackendAttestor(text -> token.sign(label, text), keyId, clock);
  }

  /** The key id backends know it by: hex of the first 8 bytes of SHA-256(SubjectPublicKeyInfo). */
  public static String keyId(PublicKey key) {
    return HexFormat.of().formatHex(sha256(key.getEncoded()), 0, 8);
  }

  public String keyId() {
    return keyId;
  }

  @Override
  public Metadata forAuthenticated(AdmittedCall call, String method, byte[] firstMessage)
      throws HsmException {
    return attest(call, method, firstMessage, Long.toString(clock.millis()));
  }

  /** The timestamp is chosen first: the backend envelope of the first message is bound to it. */
  @Override
  public Optional<Sealed> forSealed(AdmittedCall call, String method, FirstMessage first)
      throws HsmException, PayloadException {
    String timestamp = Long.toString(clock.millis());
    byte[] forward = first.forward(timestamp);
    return Optional.of(new Sealed(attest(call, method, forward, timestamp), forward));
  }

  private Metadata attest(AdmittedCall call, String method, byte[] firstMessage,
      String timestamp) throws HsmException {
    Credential caller = call.caller().orElseThrow(
        () -> new IllegalStateException("only an authenticated call is attested"));
    String digest = Base64.getEncoder().encodeToString(sha256(firstMessage));
    byte[] signature = signer.sign(text(method, caller.tenantId(), caller.appId(),
        call.api().id(), call.requestId(), timestamp, digest));
    Metadata headers = IdentityHeaders.of(call);
    headers.put(API, call.api().id());
    headers.put(TIMESTAMP, timestamp);
    headers.put(CONTENT_SHA256, digest);
    headers.put(KEY_ID, keyId);
    headers.put(SIGNATURE, Base64.getEncoder().encodeToString(signature));
    return headers;
  }

  /**
   * The signed text: the version line and the seven values, joined by LF. Each value must be
   * printable ASCII (no LF): one that is not is refused, never re-encoded, so no value can shift
   * into the next field.
   */
  static byte[] text(String... values) {
    StringBuilder text = new StringBuilder(192).append(VERSION_LINE);
    for (String value : values) {
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c < 0x20 || c > 0x7e) {
          throw new IllegalArgumentException("an attested value is not printable ASCII");
        }
      }
      text.append('\n').append(value);
    }
    return text.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }

  @Override
  public String toString() {
    return "BackendAttestor[key " + keyId + "]";
  }
}
