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
  private StringToSign() {}

  /** The authority as the string-to-sign holds it: ASCII letters lower-cased, nothing else. */
  static String authority(String received) {
    return received.toLowerCase(Locale.ROOT);
  }

  /**
   * @param authority printable ASCII (checked by the parser); lower-cased here, ASCII only
   * @param signedHeaders sorted by name; names are ASCII, so String order is byte order
   */
  static byte[] build(
      String authority, String contentSha256Hex, SortedMap<String, String> signedHeaders, String path) {
    StringBuilder sb = new StringBuilder(256);
    sb.append("POST\n").append(authority(authority)).append('\n').append(contentSha256Hex);
    for (Map.Entry<String, String> h : signedHeaders.entrySet()) {
      sb.append('\n').append(h.getKey()).append(':').append(h.getValue());
    }
    sb.append('\n').append(path);
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
