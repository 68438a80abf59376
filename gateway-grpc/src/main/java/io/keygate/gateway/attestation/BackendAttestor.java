package io.keygate.gateway.attestation;

import io.grpc.Metadata;
import io.keygate.gateway.dataplane.AdmittedCall;
import io.keygate.gateway.dataplane.BackendHeaders;
import io.keygate.gateway.dataplane.IdentityHeaders;
import io.keygate.gateway.model.BackendTarget;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.payload.PayloadException;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyLabel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Attests each authenticated call to its backend (docs/backend-attestation.md, version 1): the
 * identity headers plus API, timestamp and the first message's SHA-256, signed with ECDSA P-256
 * by a key in the token ({@code KEYGATE_BACKEND_ATTESTATION_KEY}), or, for a backend given one
 * ({@code KEYGATE_BACKEND_ATTESTATION_HMAC}), MACed with HMAC-SHA256 by that backend's own key in
 * the token. A backend holding the public key or its HMAC key (the {@code backend-verifier}
 * module) can then tell a call that came through the gateway from one that did not, and a body
 * or identity changed on the way.
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

  /** What an HMAC key's id is the MAC of: one line, so never a signed text (eight lines). */
  static final byte[] HMAC_KEY_ID_INPUT =
      "keygate-backend-attestation-v1 key id".getBytes(StandardCharsets.US_ASCII);

  /** Signs (or MACs) the attested text in the token. */
  interface Signer {
    byte[] sign(byte[] text) throws HsmException;
  }

  /** A key in the token and the id backends know it by. Holds a label, never key bytes. */
  record AttestationKey(String id, Signer signer) {
    AttestationKey {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(signer, "signer");
    }
  }

  /** The ECDSA key for every backend without an HMAC key of its own; null when there is none. */
  private final AttestationKey byDefault;
  private final Map<BackendTarget, AttestationKey> perBackend;
  private final Clock clock;

  BackendAttestor(Signer signer, String keyId, Clock clock) {
    this(new AttestationKey(keyId, signer), Map.of(), clock);
  }

  BackendAttestor(AttestationKey byDefault, Map<BackendTarget, AttestationKey> perBackend,
      Clock clock) {
    this.byDefault = byDefault;
    this.perBackend = Map.copyOf(perBackend);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * With the EC P-256 key {@code label} of the token (the officer made it, e.g. {@code
   * keystore-admin bootstrap tls-key --label backend-attestation --cert-out attest.pem}).
   *
   * @throws HsmException if the key is not there (the node does not start)
   */
  public static BackendAttestor inToken(HsmToken token, KeyLabel label, Clock clock)
      throws HsmException {
    return inToken(token, Optional.of(label), Map.of(), clock);
  }

  /**
   * With the EC key {@code ecdsa} for every backend (none: those calls go unsigned, as {@link
   * BackendHeaders#UNSIGNED}) and, for each backend in {@code hmac}, its own HMAC-SHA256 key of
   * the token instead (the officer imported it with {@code keystore-admin bootstrap
   * backend-hmac-key}; the backend holds the other copy). Each key is used once here, so a label
   * that names no key, or a key of the wrong kind, stops the node before it serves.
   *
   * @throws HsmException if a key is not there or cannot do its operation
   */
  public static BackendAttestor inToken(HsmToken token, Optional<KeyLabel> ecdsa,
      Map<BackendTarget, KeyLabel> hmac, Clock clock) throws HsmException {
    AttestationKey byDefault = null;
    if (ecdsa.isPresent()) {
      KeyLabel label = ecdsa.get();
      byDefault = new AttestationKey(keyId(token.publicKey(label)), text -> token.sign(label, text));
    }
    Map<BackendTarget, AttestationKey> perBackend = new HashMap<>();
    for (Map.Entry<BackendTarget, KeyLabel> e : hmac.entrySet()) {
      KeyLabel label = e.getValue();
      perBackend.put(e.getKey(), new AttestationKey(hmacKeyId(token.mac(label, HMAC_KEY_ID_INPUT)),
          text -> token.mac(label, text)));
    }
    return new BackendAttestor(byDefault, perBackend, clock);
  }

  /**
   * An HMAC key's id: {@code hmac-} and the hex of the first 8 bytes of the key's MAC of {@link
   * #HMAC_KEY_ID_INPUT}; the backend computes the same from its copy.
   */
  static String hmacKeyId(byte[] mac) {
    return "hmac-" + HexFormat.of().formatHex(mac, 0, 8);
  }

  /** The key id backends know it by: hex of the first 8 bytes of SHA-256(SubjectPublicKeyInfo). */
  public static String keyId(PublicKey key) {
    return HexFormat.of().formatHex(sha256(key.getEncoded()), 0, 8);
  }

  /** The default (ECDSA) key's id; empty when only some backends are attested, with HMAC. */
  public Optional<String> keyId() {
    return Optional.ofNullable(byDefault).map(AttestationKey::id);
  }

  /** The HMAC key id each backend with one is attested with. */
  public Map<BackendTarget, String> hmacKeyIds() {
    Map<BackendTarget, String> ids = new HashMap<>();
    perBackend.forEach((target, key) -> ids.put(target, key.id()));
    return ids;
  }

  @Override
  public Metadata forAuthenticated(AdmittedCall call, String method, byte[] firstMessage)
      throws HsmException {
    AttestationKey key = keyFor(call);
    if (key == null) {
      return IdentityHeaders.of(call); // no key for this backend: as UNSIGNED
    }
    return attest(key, call, method, firstMessage, Long.toString(clock.millis()));
  }

  /**
   * The timestamp is chosen first: the backend envelope of the first message is bound to it.
   * Empty for a backend this node attests with no key: nothing to bind the sealing to.
   */
  @Override
  public Optional<Sealed> forSealed(AdmittedCall call, String method, FirstMessage first)
      throws HsmException, PayloadException {
    AttestationKey key = keyFor(call);
    if (key == null) {
      return Optional.empty();
    }
    String timestamp = Long.toString(clock.millis());
    byte[] forward = first.forward(timestamp);
    return Optional.of(new Sealed(attest(key, call, method, forward, timestamp), forward));
  }

  /** The call's backend's own HMAC key, else the default (ECDSA) key; null if neither. */
  private AttestationKey keyFor(AdmittedCall call) {
    return perBackend.isEmpty() ? byDefault : perBackend.getOrDefault(call.backend(), byDefault);
  }

  private Metadata attest(AttestationKey key, AdmittedCall call, String method,
      byte[] firstMessage, String timestamp) throws HsmException {
    Credential caller = call.caller().orElseThrow(
        () -> new IllegalStateException("only an authenticated call is attested"));
    String digest = Base64.getEncoder().encodeToString(sha256(firstMessage));
    byte[] signature = key.signer().sign(text(method, caller.tenantId(), caller.appId(),
        call.api().id(), call.requestId(), timestamp, digest));
    Metadata headers = IdentityHeaders.of(call);
    headers.put(API, call.api().id());
    headers.put(TIMESTAMP, timestamp);
    headers.put(CONTENT_SHA256, digest);
    headers.put(KEY_ID, key.id());
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
    return "BackendAttestor[key " + keyId().orElse("none") + ", hmac " + hmacKeyIds() + "]";
  }
}
