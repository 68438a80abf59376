package io.keygate.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

/**
 * The gateway's own builder of the byte-exact string-to-sign (docs/signature-spec.md):
 *
 * <pre>
 * "POST" LF lower(authority) LF contentSha256Hex LF name:value (LF name:value)* LF path
 * </pre>
 *
 * It is deliberately not shared with the client SDK's {@code CanonicalRequest}: the shared test
 * vectors, produced by a third implementation, keep both honest.
 */
final class StringToSign {
  private static final String METHOD_LINE = "POST\n";

  private StringToSign() {}

  /**
   * @param authority printable ASCII (checked by the parser); lower-cased here, ASCII only
   * @param signedHeaders sorted by name; names are ASCII, so String order is byte order
   */
  static byte[] build(
      String authority, String contentSha256Hex, SortedMap<String, String> signedHeaders, String path) {
    String host = authority.toLowerCase(Locale.ROOT);
    // Every part of a parsed request is printable ASCII, one byte a character: written straight
    // into the one array of its exact length, instead of a builder, its String and the String's
    // UTF-8 copy. Anything else (only a direct caller can pass it) takes the general path.
    int length = METHOD_LINE.length() + host.length() + 1 + contentSha256Hex.length() + 1
        + path.length();
    for (Map.Entry<String, String> h : signedHeaders.entrySet()) {
      length += 1 + h.getKey().length() + 1 + h.getValue().length();
    }
    byte[] out = new byte[length];
    int at = ascii(METHOD_LINE, out, 0);
    at = ascii(host, out, at);
    at = ascii('\n', out, at);
    at = ascii(contentSha256Hex, out, at);
    for (Map.Entry<String, String> h : signedHeaders.entrySet()) {
      at = ascii('\n', out, at);
      at = ascii(h.getKey(), out, at);
      at = ascii(':', out, at);
      at = ascii(h.getValue(), out, at);
    }
    at = ascii('\n', out, at);
    at = ascii(path, out, at);
    return at == length ? out : utf8(host, contentSha256Hex, signedHeaders, path);
  }

  /** Writes {@code s} at {@code at}; on a non-ASCII character, stops and returns -1 from then on. */
  private static int ascii(String s, byte[] out, int at) {
    if (at < 0) {
      return at;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c > 0x7F) {
        return -1;
      }
      out[at++] = (byte) c;
    }
    return at;
  }

  private static int ascii(char c, byte[] out, int at) {
    if (at < 0) {
      return at;
    }
    out[at] = (byte) c;
    return at + 1;
  }

  private static byte[] utf8(
      String host, String contentSha256Hex, SortedMap<String, String> signedHeaders, String path) {
    StringBuilder sb = new StringBuilder(256);
    sb.append(METHOD_LINE).append(host).append('\n').append(contentSha256Hex);
    for (Map.Entry<String, String> h : signedHeaders.entrySet()) {
      sb.append('\n').append(h.getKey()).append(':').append(h.getValue());
    }
    sb.append('\n').append(path);
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
