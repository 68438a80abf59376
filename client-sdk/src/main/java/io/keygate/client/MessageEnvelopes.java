package io.keygate.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The envelopes of one version-2 call's later request messages (docs/signature-spec.md, section
 * 13): message n (n = 1, 2, ... after the signed first one) is sent as {@code kind(1) || mac(32)
 * || payload}, with {@code mac = HMAC-SHA256(AccessSecret, "keygate-msg-v2\n" || call signature
 * (32 bytes) || kind || n (8 bytes, big-endian) || SHA-256(payload))}; kind 1 is a message, kind
 * 2 the end marker (no payload) sent just before the half-close. Not thread-safe: one call's
 * messages are sent one at a time, in order.
 */
public final class MessageEnvelopes {
  public static final byte DATA = 1;
  public static final byte END = 2;
  private static final byte[] LABEL = "keygate-msg-v2\n".getBytes(StandardCharsets.US_ASCII);

  private final AccessSecret secret;
  private final byte[] callSignature;
  private long next = 1;

  MessageEnvelopes(AccessSecret secret, byte[] callSignature) {
    if (callSignature.length != 32) {
      throw new IllegalArgumentException("a call signature is 32 bytes");
    }
    this.secret = secret;
    this.callSignature = callSignature.clone();
  }

  /** The next message's envelope around its serialized bytes. */
  public byte[] seal(byte[] payload) {
    return envelope(secret, callSignature, DATA, next++, payload);
  }

  /** The end marker, to send after the last message and before the half-close. */
  public byte[] end() {
    return envelope(secret, callSignature, END, next++, new byte[0]);
  }

  /** How many envelopes were made (the next one's place, minus one). */
  public long sealed() {
    return next - 1;
  }

  /** One envelope, for tests and tooling: a call's envelopes come from {@link #seal} in order. */
  public static byte[] envelope(
      AccessSecret secret, byte[] callSignature, byte kind, long n, byte[] payload) {
    byte[] input = ByteBuffer.allocate(LABEL.length + 32 + 1 + 8 + 32)
        .put(LABEL).put(callSignature).put(kind).putLong(n).put(XcaSigner.sha256(payload))
        .array();
    byte[] mac = secret.hmacSha256(input);
    return ByteBuffer.allocate(1 + mac.length + payload.length)
        .put(kind).put(mac).put(payload).array();
  }

  @Override
  public String toString() {
    return "MessageEnvelopes[next=" + next + "]";
  }
}
