package io.keygate.gateway.auth;

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
  private static final String POST = "POST\n";

  private StringToSign() {}

  /** The authority as the string-to-sign holds it: ASCII letters lower-cased, nothing else. */
  static String authority(String received) {
    return received.toLowerCase(Locale.ROOT);
  }

  /**
   * @param authority printable ASCII (checked by the parser); lower-cased here, ASCII only
   * @param signedHeaders sorted by name; names are ASCII, so String order is byte order
   * @throws IllegalArgumentException if anything is not ASCII: the parser admits nothing else, and
   *     a character cut to a byte could make two requests sign alike
   */
  static byte[] build(
      String authority, String contentSha256Hex, SortedMap<String, String> signedHeaders, String path) {
    String lowerAuthority = authority(authority);
    int length = POST.length() + lowerAuthority.length() + 1 + contentSha256Hex.length()
        + 1 + path.length();
    for (Map.Entry<String, String> h : signedHeaders.entrySet()) {
      length += 2 + h.getKey().length() + h.getValue().length();
    }
    // ASCII, so UTF-8 is a byte a character: one array of the exact size, no StringBuilder and no
    // String (built, copied and encoded, this was a signed call's largest allocation).
    byte[] out = new byte[length];
    int at = put(out, 0, POST);
    at = put(out, at, lowerAuthority);
    out[at++] = '\n';
    at = put(out, at, contentSha256Hex);
    for (Map.Entry<String, String> h : signedHeaders.entrySet()) {
      out[at++] = '\n';
      at = put(out, at, h.getKey());
      out[at++] = ':';
      at = put(out, at, h.getValue());
    }
    out[at++] = '\n';
    put(out, at, path);
    return out;
  }

  /** {@code s} copied into {@code out} at {@code at}, a byte a character; the index after it. */
  private static int put(byte[] out, int at, String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c > 0x7F) {
        throw new IllegalArgumentException("the string to sign is ASCII only");
      }
      out[at + i] = (byte) c;
    }
    return at + n;
  }
}
