package io.keygate.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metadata that authenticates one call, and the string-to-sign it was made from. The
 * string-to-sign is the client's own (the gateway never returns its version), kept so that an
 * {@code InvalidSignature} can be debugged by comparing it with the spec.
 */
public final class XcaSignature {
  private final Map<String, String> headers;
  private final CanonicalRequest canonicalRequest;

  XcaSignature(Map<String, String> headers, CanonicalRequest canonicalRequest) {
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    this.canonicalRequest = canonicalRequest;
  }

  /** Header name to value, in the order to send: every value is printable ASCII. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The base64 HMAC-SHA256, as sent in {@code x-ca-signature}. */
  public String signatureBase64() {
    return headers.get(XcaHeaders.SIGNATURE);
  }

  public String stringToSign() {
    return canonicalRequest.stringToSign();
  }

  public CanonicalRequest canonicalRequest() {
    return canonicalRequest;
  }

  @Override
  public String toString() {
    return "XcaSignature" + headers.keySet();
  }
}
