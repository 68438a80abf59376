package io.keygate.client;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The byte-exact string-to-sign of one call (docs/signature-spec.md, "String-to-sign"):
 *
 * <pre>
 * "POST" LF lower(authority) LF contentSha256Hex LF name1:value1 LF ... nameN:valueN LF path
 * </pre>
 *
 * with the signed headers sorted by name in byte order. Pure and immutable: no clock, no
 * randomness, no secret.
 */
public final class CanonicalRequest {
  /** gRPC calls are always HTTP/2 POSTs; the constant keeps the X-Ca layout. */
  public static final String METHOD = "POST";

  private static final Pattern PATH = Pattern.compile("/[\\x21-\\x7E]{1,511}");
  private static final Pattern AUTHORITY = Pattern.compile("[\\x21-\\x7E]{1,512}");
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  private final String path;
  private final String authority;
  private final String contentSha256Hex;
  // Names are ASCII, so String order is byte order.
  private final SortedMap<String, String> signedHeaders;

  private CanonicalRequest(
      String path, String authority, String contentSha256Hex, SortedMap<String, String> headers) {
    this.path = path;
    this.authority = authority;
    this.contentSha256Hex = contentSha256Hex;
    this.signedHeaders = Collections.unmodifiableSortedMap(headers);
  }

  /**
   * @param path the gRPC path, {@code /package.Service/Method}
   * @param authority the {@code :authority} as sent ({@code host[:port]}); lower-cased here
   * @param contentSha256Hex lower-case hex SHA-256 of the first request message
   * @param signedHeaders every signed header: the required four and any extra {@code x-ca-*}
   * @throws IllegalArgumentException if any part breaks the spec's rules
   */
  public static CanonicalRequest of(
      String path, String authority, String contentSha256Hex, Map<String, String> signedHeaders) {
    require(PATH.matcher(path).matches(), "path must be /package.Service/Method in printable ASCII");
    require(
        AUTHORITY.matcher(authority).matches(),
        "authority must be 1-512 printable ASCII characters without spaces");
    require(SHA256_HEX.matcher(contentSha256Hex).matches(), "content digest must be lower-case hex");
    require(
        signedHeaders.keySet().containsAll(XcaHeaders.ALWAYS_SIGNED),
        "signed headers must include " + XcaHeaders.ALWAYS_SIGNED);
    require(
        signedHeaders.size() <= XcaHeaders.MAX_SIGNED_HEADERS,
        "at most " + XcaHeaders.MAX_SIGNED_HEADERS + " headers can be signed");
    require(
        contentSha256Hex.equals(signedHeaders.get(XcaHeaders.CONTENT_SHA256)),
        XcaHeaders.CONTENT_SHA256 + " must carry the content digest");
    for (Map.Entry<String, String> h : signedHeaders.entrySet()) {
      String name = h.getKey();
      require(
          XcaHeaders.ALWAYS_SIGNED.contains(name) || XcaHeaders.isSignableExtraName(name),
          "cannot sign header " + name);
      require(
          XcaHeaders.isValidValue(h.getValue()),
          "value of " + name + " must be 1-512 printable ASCII characters, no surrounding spaces");
    }
    requireListFits(signedHeaders.keySet());
    return new CanonicalRequest(
        path, authority.toLowerCase(Locale.ROOT), contentSha256Hex, new TreeMap<>(signedHeaders));
  }

  /** The string-to-sign; HMAC its UTF-8 bytes (all ASCII). */
  public String stringToSign() {
    StringBuilder sb = new StringBuilder(256);
    sb.append(METHOD).append('\n').append(authority).append('\n').append(contentSha256Hex);
    signedHeaders.forEach((name, value) -> sb.append('\n').append(name).append(':').append(value));
    return sb.append('\n').append(path).toString();
  }

  /** The value of {@code x-ca-signature-headers}: the signed names, sorted, comma-separated. */
  public String signatureHeaders() {
    return String.join(",", signedHeaders.keySet());
  }

  public SortedMap<String, String> signedHeaders() {
    return signedHeaders;
  }

  public String path() {
    return path;
  }

  /** Lower-cased. */
  public String authority() {
    return authority;
  }

  public String contentSha256Hex() {
    return contentSha256Hex;
  }

  /**
   * The list of signed names is itself a header value, limited to 512 characters like every
   * other: a list of long names that passes it would be refused by the gateway as malformed.
   */
  static void requireListFits(Set<String> names) {
    int length = XcaHeaders.signatureHeadersLength(names);
    if (length > XcaHeaders.MAX_VALUE_LENGTH) {
      throw new IllegalArgumentException(
          XcaHeaders.SIGNATURE_HEADERS + " would be " + length + " characters, longer than "
              + XcaHeaders.MAX_VALUE_LENGTH + ": sign fewer or shorter names");
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
