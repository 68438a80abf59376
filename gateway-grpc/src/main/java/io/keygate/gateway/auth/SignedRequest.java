package io.keygate.gateway.auth;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What the gateway knows about a call when it authenticates it, with no gRPC types: the path, the
 * {@code :authority}, the ASCII metadata (names lower-cased, every value kept, so duplicates stay
 * visible) and the SHA-256 of the first request message (of nothing, if the client half-closed
 * without one). The gRPC layer only needs to copy {@code x-ca-*} entries: nothing else is signed.
 */
public final class SignedRequest {
  private static final int SHA256_LENGTH = 32;

  private final String path;
  private final String authority;
  private final Map<String, List<String>> metadata;
  private final byte[] firstMessageSha256;

  /**
   * @param path the gRPC path, {@code /package.Service/Method}
   * @param authority the {@code :authority} the call arrived with; null is treated as absent
   * @param metadata ASCII metadata as received; names are lower-cased (ASCII) and merged
   * @param firstMessageSha256 SHA-256 of the first message's serialized, uncompressed bytes
   */
  public SignedRequest(
      String path,
      String authority,
      Map<String, ? extends Collection<String>> metadata,
      byte[] firstMessageSha256) {
    this(checkedDigest(firstMessageSha256), path, authority, normalized(metadata));
  }

  private static byte[] checkedDigest(byte[] firstMessageSha256) {
    if (firstMessageSha256 == null || firstMessageSha256.length != SHA256_LENGTH) {
      throw new IllegalArgumentException("firstMessageSha256 must be a 32-byte SHA-256");
    }
    return firstMessageSha256.clone();
  }

  /**
   * @param metadata already {@link #normalized}: shared, never copied again, so completing a
   *     request with its first message costs no second copy of its metadata
   * @param firstMessageSha256 null while only the headers are known
   */
  private SignedRequest(
      byte[] firstMessageSha256, String path, String authority, Map<String, List<String>> metadata) {
    this.path = path == null ? "" : path;
    this.authority = authority == null ? "" : authority;
    this.metadata = metadata;
    this.firstMessageSha256 = firstMessageSha256;
  }

  /** Names lower-cased (ASCII) and merged, every value kept in order; unmodifiable throughout. */
  private static Map<String, List<String>> normalized(
      Map<String, ? extends Collection<String>> metadata) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    for (Map.Entry<String, ? extends Collection<String>> entry : metadata.entrySet()) {
      // List.copyOf returns an unmodifiable list as it is, so a caller that hands over List.of
      // values (the gRPC layer does) costs no copy here.
      List<String> values = List.copyOf(entry.getValue());
      String name = entry.getKey().toLowerCase(Locale.ROOT); // itself when already lower-case
      List<String> earlier = copy.putIfAbsent(name, values);
      if (earlier != null) { // the same name in another case: one name, every value
        List<String> merged = new ArrayList<>(earlier);
        merged.addAll(values);
        copy.put(name, List.copyOf(merged));
      }
    }
    return Collections.unmodifiableMap(copy);
  }

  /**
   * What a call carries before its first message: enough for {@link
   * RequestAuthenticator#screen}, which decides everything the headers alone can decide, so the
   * gateway reads no message for a call that cannot be authenticated.
   */
  public static SignedRequest headersOnly(
      String path, String authority, Map<String, ? extends Collection<String>> metadata) {
    return new SignedRequest(null, path, authority, normalized(metadata));
  }

  /** This request, completed with the first message (empty if the client sent none). */
  public SignedRequest withFirstMessage(byte[] firstMessage) {
    return new SignedRequest(sha256(Objects.requireNonNull(firstMessage)), path, authority, metadata);
  }

  /** Whether the first message's digest is known (false for {@link #headersOnly}). */
  public boolean hasFirstMessage() {
    return firstMessageSha256 != null;
  }

  /** A request whose first message is {@code firstMessage} (empty if there was none). */
  public static SignedRequest withFirstMessage(
      String path,
      String authority,
      Map<String, ? extends Collection<String>> metadata,
      byte[] firstMessage) {
    return new SignedRequest(
        sha256(Objects.requireNonNull(firstMessage)), path, authority, normalized(metadata));
  }

  /** The SHA-256 the gateway must compute over the first message (or over no bytes). */
  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  public String path() {
    return path;
  }

  /** As received (not lower-cased); empty if the call had none. */
  public String authority() {
    return authority;
  }

  /** Every value received under {@code name} (lower-case), in order; empty if absent. */
  public List<String> values(String name) {
    return metadata.getOrDefault(name, List.of());
  }

  public Map<String, List<String>> metadata() {
    return metadata;
  }

  public byte[] firstMessageSha256() {
    requireFirstMessage();
    return firstMessageSha256.clone();
  }

  private void requireFirstMessage() {
    if (firstMessageSha256 == null) {
      throw new IllegalStateException("headers only: the first message has not been read");
    }
  }

  boolean firstMessageDigestEquals(byte[] digest) {
    requireFirstMessage();
    // Not secret, but there is no reason to leak where two digests differ either.
    return MessageDigest.isEqual(firstMessageSha256, digest);
  }

  /** Names only: values may be large, and the log needs no signature. */
  @Override
  public String toString() {
    return "SignedRequest[path=" + path + ", authority=" + authority + ", metadata=" + metadata.keySet() + "]";
  }
}
