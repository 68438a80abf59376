package io.keygate.gateway.auth;

import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

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
  static final int MAX_VALUE_LENGTH = 512;
  static final int MAX_SIGNED_HEADERS = 16;

  /** In the order presence is checked, so the reported header is deterministic. */
  private static final List<String> REQUIRED =
      List.of(KEY, TIMESTAMP, NONCE, CONTENT_SHA256, SIGNATURE_METHOD, SIGNATURE_HEADERS, SIGNATURE);
  private static final Set<String> ALWAYS_SIGNED = Set.of(CONTENT_SHA256, KEY, NONCE, TIMESTAMP);
  private static final Set<String> NEVER_SIGNED = Set.of(SIGNATURE, SIGNATURE_HEADERS);

  private static final Pattern SIGNABLE_NAME = Pattern.compile("x-ca-[a-z0-9-]{1,59}");
  private static final Pattern TIMESTAMP_FORM = Pattern.compile("[1-9][0-9]{0,15}");
  private static final Pattern NONCE_FORM = Pattern.compile("[A-Za-z0-9_-]{16,64}");
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
  // Exactly 32 bytes in padded standard base64; the last character carries 2 zero bits.
  private static final Pattern SIGNATURE_FORM = Pattern.compile("[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=");
  private static final Pattern PATH_FORM = Pattern.compile("/[\\x21-\\x7E]{1,511}");
  private static final Pattern AUTHORITY_FORM = Pattern.compile("[\\x21-\\x7E]{1,512}");

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
    for (String name : REQUIRED) {
      if (request.values(name).isEmpty()) {
        throw new Rejection(AuthFailure.MISSING_HEADER, "missing " + name);
      }
    }
    for (String name : REQUIRED) {
      single(request, name);
    }
    malformedUnless(PATH_FORM.matcher(request.path()).matches(), "path is not /package.Service/Method in printable ASCII");
    malformedUnless(AUTHORITY_FORM.matcher(request.authority()).matches(), "no usable :authority (absent, spaces or non-ASCII)");
    malformedUnless(HMAC_SHA256.equals(single(request, SIGNATURE_METHOD)), SIGNATURE_METHOD + " is not " + HMAC_SHA256);
    String timestamp = single(request, TIMESTAMP);
    malformedUnless(TIMESTAMP_FORM.matcher(timestamp).matches(), TIMESTAMP + " is not decimal milliseconds");
    String nonce = single(request, NONCE);
    malformedUnless(NONCE_FORM.matcher(nonce).matches(), NONCE + " is not 16-64 of [A-Za-z0-9_-]");
    String contentSha256 = single(request, CONTENT_SHA256);
    malformedUnless(SHA256_HEX.matcher(contentSha256).matches(), CONTENT_SHA256 + " is not 64 lower-case hex digits");
    String signature = single(request, SIGNATURE);
    malformedUnless(SIGNATURE_FORM.matcher(signature).matches(), SIGNATURE + " is not padded base64 of 32 bytes");
    return new SignatureHeaders(
        single(request, KEY),
        Long.parseLong(timestamp), // 16 digits at most: cannot overflow
        nonce,
        contentSha256,
        Base64.getDecoder().decode(signature),
        signedHeaders(request));
  }

  /** The headers named in x-ca-signature-headers, each present once with a valid value. */
  private static SortedMap<String, String> signedHeaders(SignedRequest request) throws Rejection {
    String[] names = single(request, SIGNATURE_HEADERS).split(",", -1);
    malformedUnless(names.length <= MAX_SIGNED_HEADERS, SIGNATURE_HEADERS + " lists more than " + MAX_SIGNED_HEADERS + " names");
    SortedMap<String, String> signed = new TreeMap<>();
    for (String name : names) {
      malformedUnless(
          SIGNABLE_NAME.matcher(name).matches() && !name.endsWith("-bin") && !NEVER_SIGNED.contains(name),
          SIGNATURE_HEADERS + " lists a name that cannot be signed");
      // Details naming a header are built only for a refusal: a valid request builds no string.
      if (signed.containsKey(name)) {
        throw malformed(SIGNATURE_HEADERS + " lists " + name + " twice");
      }
      if (request.values(name).isEmpty()) {
        throw malformed(SIGNATURE_HEADERS + " lists " + name + ", which is absent");
      }
      signed.put(name, single(request, name));
    }
    if (!signed.keySet().containsAll(ALWAYS_SIGNED)) {
      throw malformed(SIGNATURE_HEADERS + " must list " + ALWAYS_SIGNED);
    }
    return signed;
  }

  /** The one value of a present header, checked for form. */
  private static String single(SignedRequest request, String name) throws Rejection {
    List<String> values = request.values(name);
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
