package io.keygate.client;

import java.util.Collection;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The X-Ca metadata vocabulary and its character rules (docs/signature-spec.md). The gateway has
 * its own copy of these rules; the shared test vectors keep both honest.
 */
public final class XcaHeaders {
  public static final String KEY = "x-ca-key";
  public static final String TIMESTAMP = "x-ca-timestamp";
  public static final String NONCE = "x-ca-nonce";
  public static final String CONTENT_SHA256 = "x-ca-content-sha256";
  public static final String SIGNATURE = "x-ca-signature";
  public static final String SIGNATURE_METHOD = "x-ca-signature-method";
  public static final String SIGNATURE_HEADERS = "x-ca-signature-headers";

  /** The only value of {@link #SIGNATURE_METHOD} in version 1. */
  public static final String HMAC_SHA256 = "HmacSHA256";
  /** Signed as {@code 2} by a signer that signs every message (spec section 13). */
  public static final String SIGNATURE_VERSION = "x-ca-signature-version";

  /** The trailer in which the gateway returns its stable failure code. */
  public static final String ERROR_CODE = "x-ca-error-code";

  public static final int MAX_VALUE_LENGTH = 512;
  public static final int MAX_SIGNED_HEADERS = 16;

  /** Names every signature must cover. */
  static final Set<String> ALWAYS_SIGNED = Set.of(CONTENT_SHA256, KEY, NONCE, TIMESTAMP);

  /** Names that carry the signature itself or are set by the signer, never by the caller. */
  static final Set<String> RESERVED =
      Set.of(KEY, TIMESTAMP, NONCE, CONTENT_SHA256, SIGNATURE, SIGNATURE_METHOD, SIGNATURE_HEADERS);

  // "-bin" names are binary metadata in gRPC: their values are not ASCII and cannot be signed.
  private static final Pattern EXTRA_NAME = Pattern.compile("x-ca-[a-z0-9-]{1,59}");
  static final Pattern NONCE_FORM = Pattern.compile("[A-Za-z0-9_-]{16,64}");

  private XcaHeaders() {}

  /** Whether {@code name} may be signed as an extra header ({@code x-ca-stage}, ...). */
  static boolean isSignableExtraName(String name) {
    return EXTRA_NAME.matcher(name).matches() && !name.endsWith("-bin") && !RESERVED.contains(name);
  }

  /**
   * The length of the {@link #SIGNATURE_HEADERS} value that lists {@code names}: the names and a
   * comma between each two. That value is a header value like any other, so it may have at most
   * {@link #MAX_VALUE_LENGTH} characters: 16 names of up to 64 characters would not fit.
   */
  static int signatureHeadersLength(Collection<String> names) {
    int length = names.size() - 1;
    for (String name : names) {
      length += name.length();
    }
    return length;
  }

  /**
   * 1 to 512 characters of printable ASCII (0x20-0x7E), not starting or ending with a space:
   * HTTP/2 forbids surrounding whitespace in field values and proxies may strip it.
   */
  static boolean isValidValue(String value) {
    int n = value.length();
    if (n == 0 || n > MAX_VALUE_LENGTH || value.charAt(0) == ' ' || value.charAt(n - 1) == ' ') {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        return false;
      }
    }
    return true;
  }
}
