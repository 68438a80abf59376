package io.keygate.gateway.auth;

import io.keygate.gateway.model.Credential;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.InvalidMacException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Checks the request messages after the first of one v2 call (docs/signature-spec.md, section
 * 13): each is an envelope {@code kind(1) || mac(32) || payload}, whose MAC is HMAC-SHA256 under
 * the caller's AccessSecret of {@code "keygate-msg-v2\n" || call signature || kind || n (8 bytes,
 * big-endian) || SHA-256(payload)}, and the stream ends with an end marker (kind 2, empty payload)
 * before the half-close. The counter and the call's signature in every MAC make a message that
 * was dropped, reordered, replayed or taken from another call fail at its place; the end marker
 * makes a stream cut short fail at the half-close.
 *
 * <p>The MAC is checked by the {@link MacVerifier} (C_Verify in the HSM with the verify-only key);
 * the payload is hashed here, so the token MACs 88 bytes whatever the message's size. The
 * credential is the one the call was admitted with: nothing is looked up per message. One chain
 * per call, used by one thread at a time (the caller serialises messages, as gRPC does).
 */
public final class MessageChain {
  public static final byte DATA = 1;
  public static final byte END = 2;
  public static final int MAC_BYTES = 32;
  /** Kind and MAC, before the payload. */
  public static final int ENVELOPE_OVERHEAD = 1 + MAC_BYTES;

  private static final byte[] LABEL = "keygate-msg-v2\n".getBytes(StandardCharsets.US_ASCII);

  private final MacVerifier verifier;
  private final Credential caller;
  private final byte[] callSignature;
  private final boolean firstMessageSent;
  /** The place of the next message: 1 for the first after the signed one. */
  private long next = 1;
  private boolean ended;

  /** What the gateway does with one later message. */
  public sealed interface Step permits Forward, EndMarker, Refused {}

  /** Verified: forward these payload bytes to the backend, unchanged. */
  public record Forward(byte[] payload) implements Step {}

  /** The verified end marker: nothing to forward; the half-close may follow. */
  public record EndMarker() implements Step {}

  /** Refused: end the call; nothing more is forwarded. */
  public record Refused(AuthResult.Rejected rejection) implements Step {}

  /**
   * @param callSignature the 32 bytes of the call's verified {@code x-ca-signature}
   * @param firstMessageSent false if the call half-closed without a message: then it needs no end
   *     marker (there is nothing to cut short, and the signed digest is that of no bytes)
   */
  MessageChain(MacVerifier verifier, Credential caller, byte[] callSignature,
      boolean firstMessageSent) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.caller = Objects.requireNonNull(caller, "caller");
    this.callSignature = callSignature.clone();
    this.firstMessageSent = firstMessageSent;
  }

  /**
   * Checks the next message.
   *
   * @throws HsmException if the token could not verify: never a verdict on the message
   */
  public Step accept(byte[] envelope) throws HsmException {
    long n = next;
    if (ended || !firstMessageSent) {
      return refused(AuthFailure.MALFORMED_ENVELOPE, "a message after the end marker, n=" + n);
    }
    if (envelope.length < ENVELOPE_OVERHEAD
        || (envelope[0] != DATA && envelope[0] != END)
        || (envelope[0] == END && envelope.length != ENVELOPE_OVERHEAD)) {
      return refused(AuthFailure.MALFORMED_ENVELOPE, "message n=" + n + " is no envelope ("
          + envelope.length + " bytes)");
    }
    byte kind = envelope[0];
    byte[] mac = Arrays.copyOfRange(envelope, 1, ENVELOPE_OVERHEAD);
    MessageDigest sha256 = sha256();
    sha256.update(envelope, ENVELOPE_OVERHEAD, envelope.length - ENVELOPE_OVERHEAD);
    try {
      verifier.verify(caller, macInput(callSignature, kind, n, sha256.digest()), mac);
    } catch (InvalidMacException e) {
      return refused(AuthFailure.BAD_MESSAGE_SIGNATURE, "message n=" + n + " kind=" + kind
          + " does not verify at its place");
    }
    next = n + 1;
    if (kind == END) {
      ended = true;
      return new EndMarker();
    }
    return new Forward(Arrays.copyOfRange(envelope, ENVELOPE_OVERHEAD, envelope.length));
  }

  /** Whether the call sent a first message (covered by its signature, not by this chain). */
  public boolean firstMessageSent() {
    return firstMessageSent;
  }

  /** The client half-closed: refused unless the end marker came (or the call sent nothing). */
  public Step halfClose() {
    if (ended || !firstMessageSent) {
      return new EndMarker();
    }
    return refused(AuthFailure.STREAM_TRUNCATED, "half-close after " + next
        + " messages without the end marker");
  }

  /** The bytes a message's MAC is computed over (spec section 13): 88 bytes. */
  public static byte[] macInput(byte[] callSignature, byte kind, long n, byte[] payloadSha256) {
    return ByteBuffer.allocate(LABEL.length + callSignature.length + 1 + 8 + payloadSha256.length)
        .put(LABEL).put(callSignature).put(kind).putLong(n).put(payloadSha256).array();
  }

  private Refused refused(AuthFailure failure, String detail) {
    return new Refused(new AuthResult.Rejected(failure,
        "accessKey=" + caller.accessKey() + " " + detail));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "MessageChain[accessKey=" + caller.accessKey() + ", next=" + next + "]";
  }
}
