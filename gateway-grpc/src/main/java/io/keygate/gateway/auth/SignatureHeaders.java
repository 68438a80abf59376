package io.keygate.gateway.auth;

import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The X-Ca headers of a request, parsed and checked against every form rule of the spec before
 * anything costly happens. {@link #parse} reports the first problem as a {@link Rejection}:
 * MissingSignatureHeader if a required header is absent (checked for all of them first), else
 * MalformedSignatureHeader. It never throws anything else, whatever the metadata holds.
 */
final class SignatureHeaders {
  static final String KEY = "x-ca-key";
  static final String TIMESTAMP = "x-ca-timestamp";
  static final String NONCE = "x-ca-nonce";
  static final String CONTENT_SHA256 = "x-ca-content-sha256";
  static final String SIGNATURE = "x-ca-signature";
  static final String SIGNATURE_METHOD = "x-ca-signature-method";
  static final String SIGNATURE_HEADERS = "x-ca-signature-headers";
  static final String HMAC_SHA256 = "HmacSHA256";
  /** Signed with the value {@code 2}: every later request message carries a MAC (spec section 13). */
  static final String SIGNATURE_VERSION = "x-ca-signature-version";
  static final int MAX_VALUE_LENGTH = 512;
  static final int MAX_SIGNED_HEADERS = 16;

  /** In the order presence is checked, so the reported header is deterministic. */
  private static final List<String> REQUIRED =
      List.of(KEY, TIMESTAMP, NONCE, CONTENT_SHA256, SIGNATURE_METHOD, SIGNATURE_HEADERS, SIGNATURE);
  private static final Set<String> ALWAYS_SIGNED = Set.of(CONTENT_SHA256, KEY, NONCE, TIMESTAMP);
  private static final Set<String> NEVER_SIGNED = Set.of(SIGNATURE, SIGNATURE_HEADERS);

  // The forms (regular expressions in HeaderForms) are checked by hand: no Matcher per header.

  private final String accessKey;
  private final long timestampMillis;
  private final String nonce;
  private final String contentSha256Hex;
  private final byte[] contentSha256;
  private final byte[] signature;
  private final SortedMap<String, String> signedHeaders;

  private SignatureHeaders(
      String accessKey, long timestampMillis, String nonce, String contentSha256Hex,
      byte[] signature, SortedMap<String, String> signedHeaders) {
    this.accessKey = accessKey;
    this.timestampMillis = timestampMillis;
    this.nonce = nonce;
    this.contentSha256Hex = contentSha256Hex;
    this.contentSha256 = HexFormat.of().parseHex(contentSha256Hex);
    this.signature = signature;
    this.signedHeaders = Collections.unmodifiableSortedMap(signedHeaders);
  }

  static SignatureHeaders parse(SignedRequest request) throws Rejection {
    // Each header looked up once: all for presence first (in the order of REQUIRED, so the
    // reported one is deterministic), then each value checked, in the same order.
    List<String> keys = present(request, KEY);
    List<String> timestamps = present(request, TIMESTAMP);
    List<String> nonces = present(request, NONCE);
    List<String> digests = present(request, CONTENT_SHA256);
    List<String> methods = present(request, SIGNATURE_METHOD);
    List<String> lists = present(request, SIGNATURE_HEADERS);
    List<String> signatures = present(request, SIGNATURE);
    String accessKey = single(KEY, keys);
    String timestamp = single(TIMESTAMP, timestamps);
    String nonce = single(NONCE, nonces);
    String contentSha256 = single(CONTENT_SHA256, digests);
    String method = single(SIGNATURE_METHOD, methods);
    String signedNames = single(SIGNATURE_HEADERS, lists);
    String signature = single(SIGNATURE, signatures);
    malformedUnless(HeaderForms.isPath(request.path()), "path is not /package.Service/Method in printable ASCII");
    malformedUnless(HeaderForms.isAuthority(request.authority()), "no usable :authority (absent, spaces or non-ASCII)");
    malformedUnless(HMAC_SHA256.equals(method), SIGNATURE_METHOD + " is not " + HMAC_SHA256);
    malformedUnless(HeaderForms.isTimestamp(timestamp), TIMESTAMP + " is not decimal milliseconds");
    malformedUnless(HeaderForms.isNonce(nonce), NONCE + " is not 16-64 of [A-Za-z0-9_-]");
    malformedUnless(HeaderForms.isSha256Hex(contentSha256), CONTENT_SHA256 + " is not 64 lower-case hex digits");
    malformedUnless(HeaderForms.isSignature(signature), SIGNATURE + " is not padded base64 of 32 bytes");
    return new SignatureHeaders(
        accessKey,
        Long.parseLong(timestamp), // 16 digits at most: cannot overflow
        nonce,
        contentSha256,
        Base64.getDecoder().decode(signature),
        signedHeaders(request, signedNames));
  }

  /**
   * Whether the call signed {@code x-ca-signature-version: 2}. A signed version cannot be removed
   * without breaking the signature, so a v2 call cannot be downgraded in transit. An unsigned
   * one is refused by {@link #parse}.
   */
  boolean chained() {
    return signedHeaders.containsKey(SIGNATURE_VERSION);
  }

  /** The values of a required header; MissingSignatureHeader if it has none. */
  private static List<String> present(SignedRequest request, String name) throws Rejection {
    List<String> values = request.values(name);
    if (values.isEmpty()) {
      throw new Rejection(AuthFailure.MISSING_HEADER, "missing " + name);
    }
    return values;
  }

  /** The headers named in x-ca-signature-headers, each present once with a valid value. */
  private static SortedMap<String, String> signedHeaders(SignedRequest request, String list)
      throws Rejection {
    int names = 1;
    for (int i = list.indexOf(','); i >= 0; i = list.indexOf(',', i + 1)) {
      names++;
    }
    malformedUnless(names <= MAX_SIGNED_HEADERS, SIGNATURE_HEADERS + " lists more than " + MAX_SIGNED_HEADERS + " names");
    SortedMap<String, String> signed = new TreeMap<>();
    // Split on ',' by hand, empty names kept (as split(",", -1) would): no array, no list.
    for (int from = 0, comma; from <= list.length(); from = comma + 1) {
      comma = list.indexOf(',', from);
      if (comma < 0) {
        comma = list.length();
      }
      String name = list.substring(from, comma);
      malformedUnless(
          HeaderForms.isSignableName(name) && !name.endsWith("-bin") && !NEVER_SIGNED.contains(name),
          SIGNATURE_HEADERS + " lists a name that cannot be signed");
      // Details naming a header are built only for a refusal: a valid request builds no string.
      if (signed.containsKey(name)) {
        throw malformed(SIGNATURE_HEADERS + " lists " + name + " twice");
      }
      List<String> values = request.values(name);
      if (values.isEmpty()) {
        throw malformed(SIGNATURE_HEADERS + " lists " + name + ", which is absent");
      }
      signed.put(name, single(name, values));
    }
    String version = signed.get(SIGNATURE_VERSION);
    malformedUnless(version == null || version.equals("2"), SIGNATURE_VERSION + " is not 2");
    // Sent but not signed: the client thinks it speaks v2, and its envelopes would reach the
    // backend as messages. Refused rather than ignored like other unsigned headers.
    malformedUnless(version != null || request.values(SIGNATURE_VERSION).isEmpty(),
        SIGNATURE_VERSION + " is sent but not signed");
    if (!signed.keySet().containsAll(ALWAYS_SIGNED)) {
      throw malformed(SIGNATURE_HEADERS + " must list " + ALWAYS_SIGNED);
    }
    return signed;
  }

  /** The one value of {@code values}, the header {@code name}'s, checked for form. */
  private static String single(String name, List<String> values) throws Rejection {
    if (values.size() != 1) {
      throw malformed(name + " appears " + values.size() + " times");
    }
    String value = values.get(0);
    if (!isValidValue(value)) {
      throw malformed(name + " is not 1-512 printable ASCII characters without surrounding spaces");
    }
    return value;
  }

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

  /** For constant details only: an argument built per call would cost every valid request. */
  private static void malformedUnless(boolean ok, String detail) throws Rejection {
    if (!ok) {
      throw malformed(detail);
    }
  }

  private static Rejection malformed(String detail) {
    return new Rejection(AuthFailure.MALFORMED_HEADER, detail);
  }

  String accessKey() {
    return accessKey;
  }

  long timestampMillis() {
    return timestampMillis;
  }

  String nonce() {
    return nonce;
  }

  String contentSha256Hex() {
    return contentSha256Hex;
  }

  byte[] contentSha256() {
    return contentSha256.clone();
  }

  byte[] signature() {
    return signature.clone();
  }

  SortedMap<String, String> signedHeaders() {
    return signedHeaders;
  }
}
