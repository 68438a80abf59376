package io.keygate.backend;

import io.grpc.Metadata;
import java.nio.charset.StandardCharsets;

/**
 * The gateway's attestation of one forwarded call, spec version 1 (docs/backend-attestation.md):
 * the header names, and the text the gateway signs. Every value is ASCII; the gateway strips
 * every {@code x-keygate-*} header a client sends, so each arrives exactly once or not at all.
 */
public final class AttestationHeaders {
  /** The first line of the signed text: names the scheme and its version. */
  public static final String VERSION_LINE = "keygate-backend-attestation-v1";

  public static final Metadata.Key<String> REQUEST_ID = key("x-keygate-request-id");
  public static final Metadata.Key<String> TENANT = key("x-keygate-tenant");
  public static final Metadata.Key<String> APP = key("x-keygate-app");
  public static final Metadata.Key<String> API = key("x-keygate-api");
  public static final Metadata.Key<String> TIMESTAMP = key("x-keygate-timestamp");
  public static final Metadata.Key<String> CONTENT_SHA256 = key("x-keygate-content-sha256");
  public static final Metadata.Key<String> KEY_ID = key("x-keygate-attestation-key");
  public static final Metadata.Key<String> SIGNATURE = key("x-keygate-attestation");

  private AttestationHeaders() {}

  /**
   * The signed text: eight lines joined by LF, no final LF: the version line, the full method
   * path ({@code /package.Service/Method}), tenant, app, API id, request id, timestamp (decimal
   * epoch milliseconds) and the base64 (standard alphabet, padded) SHA-256 of the first request
   * message's bytes as sent on the wire (uncompressed).
   *
   * @throws IllegalArgumentException if a value holds a line feed or a non-ASCII character (it
   *     could shift one field into the next)
   */
  public static byte[] stringToSign(String method, String tenant, String app, String api,
      String requestId, long timestampMillis, String contentSha256) {
    StringBuilder text = new StringBuilder(160).append(VERSION_LINE);
    for (String value : new String[] {method, tenant, app, api, requestId,
        Long.toString(timestampMillis), contentSha256}) {
      text.append('\n').append(checked(value));
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static String checked(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new IllegalArgumentException("an attested value must be printable ASCII");
      }
    }
    return value;
  }

  private static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }
}
