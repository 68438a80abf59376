package io.keygate.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.TreeSet;

/**
 * Signs calls for one AccessKey: builds the {@link CanonicalRequest}, HMACs it with the {@link
 * AccessSecret} and returns the metadata to send. Thread-safe. Time and randomness are injected so
 * tests can fix them; {@link #signDigest(String, String, byte[], long, String)} is fully
 * deterministic.
 */
public final class XcaSigner {
  private static final int NONCE_BYTES = 16; // 128 bits: 22 base64url characters
  private static final long MAX_TIMESTAMP = 9_999_999_999_999_999L; // 16 digits, as the spec allows

  private final String accessKey;
  private final AccessSecret secret;
  private final Clock clock;
  private final SecureRandom random;
  private final Map<String, String> extraSignedHeaders;

  private XcaSigner(Builder b) {
    this.accessKey = b.accessKey;
    this.secret = b.secret;
    this.clock = b.clock;
    this.random = b.random;
    this.extraSignedHeaders = Map.copyOf(b.extraSignedHeaders);
  }

  /**
   * Whether calls are signed with version 2: {@code x-ca-signature-version: 2} is signed, and
   * every request message after the first travels in a {@link MessageEnvelopes envelope}.
   */
  public boolean signsEveryMessage() {
    return "2".equals(extraSignedHeaders.get(XcaHeaders.SIGNATURE_VERSION));
  }

  /** The envelopes for the later messages of the call {@code signature} signed (version 2). */
  public MessageEnvelopes envelopes(XcaSignature signature) {
    return new MessageEnvelopes(secret, Base64.getDecoder().decode(signature.signatureBase64()));
  }

  public static Builder builder(String accessKey, AccessSecret secret) {
    return new Builder(accessKey, secret);
  }

  /** Signs a call whose first request message serializes to {@code firstMessage}. */
  public XcaSignature sign(String path, String authority, byte[] firstMessage) {
    return signDigest(path, authority, sha256(firstMessage));
  }

  /** Signs with the current time and a fresh random nonce. */
  public XcaSignature signDigest(String path, String authority, byte[] contentSha256) {
    return signDigest(path, authority, contentSha256, clock.millis(), newNonce());
  }

  /**
   * Signs a call whose first request message is made from the call's own timestamp and nonce, such
   * as an encrypted message bound to them (docs/payload-encryption.md, section 4): {@code first}
   * gets the fresh timestamp and nonce and returns the bytes that will be sent, which the signature
   * covers.
   */
  public XcaSignature signMade(String path, String authority,
      BiFunction<String, String, byte[]> first) {
    long timestamp = clock.millis();
    String nonce = newNonce();
    return signDigest(path, authority,
        sha256(first.apply(Long.toString(timestamp), nonce)), timestamp, nonce);
  }

  /**
   * Signs with the given timestamp and nonce. Only for tests and replayable tooling: a real call
   * needs a fresh nonce every time.
   *
   * @param contentSha256 the 32-byte SHA-256 of the first request message's serialized bytes
   */
  public XcaSignature signDigest(
      String path, String authority, byte[] contentSha256, long timestampMillis, String nonce) {
    if (contentSha256.length != 32) {
      throw new IllegalArgumentException("content digest must be 32 bytes of SHA-256");
    }
    if (timestampMillis <= 0 || timestampMillis > MAX_TIMESTAMP) {
      throw new IllegalArgumentException("timestamp must be 1-16 digits of milliseconds since the epoch");
    }
    if (!XcaHeaders.NONCE_FORM.matcher(nonce).matches()) {
      throw new IllegalArgumentException("nonce must be 16-64 characters of A-Z a-z 0-9 - _");
    }
    String digestHex = HexFormat.of().formatHex(contentSha256);
    Map<String, String> signed = new TreeMap<>(extraSignedHeaders);
    signed.put(XcaHeaders.KEY, accessKey);
    signed.put(XcaHeaders.TIMESTAMP, Long.toString(timestampMillis));
    signed.put(XcaHeaders.NONCE, nonce);
    signed.put(XcaHeaders.CONTENT_SHA256, digestHex);
    CanonicalRequest canonical = CanonicalRequest.of(path, authority, digestHex, signed);
    byte[] mac = secret.hmacSha256(canonical.stringToSign().getBytes(StandardCharsets.UTF_8));

    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(XcaHeaders.KEY, accessKey);
    headers.put(XcaHeaders.TIMESTAMP, signed.get(XcaHeaders.TIMESTAMP));
    headers.put(XcaHeaders.NONCE, nonce);
    headers.put(XcaHeaders.CONTENT_SHA256, digestHex);
    headers.putAll(new TreeMap<>(extraSignedHeaders));
    headers.put(XcaHeaders.SIGNATURE_METHOD, XcaHeaders.HMAC_SHA256);
    headers.put(XcaHeaders.SIGNATURE_HEADERS, canonical.signatureHeaders());
    headers.put(XcaHeaders.SIGNATURE, Base64.getEncoder().encodeToString(mac));
    return new XcaSignature(headers, canonical);
  }

  public String accessKey() {
    return accessKey;
  }

  private String newNonce() {
    byte[] b = new byte[NONCE_BYTES];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static byte[] sha256(byte[] data) {
    return newSha256().digest(data);
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "XcaSigner[accessKey=" + accessKey + ", extraSignedHeaders=" + extraSignedHeaders.keySet() + "]";
  }

  /** Configures an {@link XcaSigner}; {@link #build()} checks everything against the spec. */
  public static final class Builder {
    private final String accessKey;
    private final AccessSecret secret;
    private Clock clock = Clock.systemUTC();
    private SecureRandom random;
    private final Map<String, String> extraSignedHeaders = new TreeMap<>();

    private Builder(String accessKey, AccessSecret secret) {
      this.accessKey = Objects.requireNonNull(accessKey, "accessKey");
      this.secret = Objects.requireNonNull(secret, "secret");
    }

    /** The clock for {@code x-ca-timestamp}; default: the system clock (UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Where nonces come from; default: a new {@link SecureRandom}. */
    public Builder secureRandom(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * An extra {@code x-ca-*} header sent and signed on every call, e.g. {@code x-ca-stage}. The
     * gateway only acts on such headers when they are signed.
     */
    public Builder signedHeader(String name, String value) {
      if (!XcaHeaders.isSignableExtraName(name)) {
        throw new IllegalArgumentException(
            "extra signed headers are named x-ca-[a-z0-9-]+, not -bin, not a reserved x-ca name: "
                + name);
      }
      if (!XcaHeaders.isValidValue(value)) {
        throw new IllegalArgumentException(
            "value of " + name + " must be 1-512 printable ASCII characters, no surrounding spaces");
      }
      extraSignedHeaders.put(name, value);
      return this;
    }

    /**
     * Signs with version 2 (spec section 13): every request message after the first carries a
     * MAC chained to the call's signature and its place, and the stream ends with a signed end
     * marker, so no later message can be changed, dropped, reordered, replayed or cut off. Needs
     * a gateway that speaks version 2.
     */
    public Builder signEveryMessage() {
      return signedHeader(XcaHeaders.SIGNATURE_VERSION, "2");
    }

    public XcaSigner build() {
      if (!XcaHeaders.isValidValue(accessKey)) {
        throw new IllegalArgumentException("AccessKey must be 1-512 printable ASCII characters");
      }
      int max = XcaHeaders.MAX_SIGNED_HEADERS - XcaHeaders.ALWAYS_SIGNED.size();
      if (extraSignedHeaders.size() > max) {
        throw new IllegalArgumentException("at most " + max + " extra headers can be signed");
      }
      // Refuse here rather than on every call: the names do not change between calls.
      Set<String> names = new TreeSet<>(XcaHeaders.ALWAYS_SIGNED);
      names.addAll(extraSignedHeaders.keySet());
      CanonicalRequest.requireListFits(names);
      if (random == null) {
        random = new SecureRandom();
      }
      return new XcaSigner(this);
    }
  }
}
