package io.keygate.client.payload;

import java.nio.charset.StandardCharsets;

/**
 * The GCM associated data of one message (docs/payload-encryption.md, section 4): eight lines of
 * ASCII joined by LF, no LF at the end, binding the message to its direction, key id, position in
 * the call and the call itself, so a ciphertext cannot be moved to another call, position or
 * direction.
 *
 * <pre>
 *   keygate-payload-v1
 *   &lt;direction&gt;   client-to-gateway | gateway-to-backend
 *   &lt;key id&gt;
 *   &lt;counter&gt;     decimal, no sign, no leading zero
 *   &lt;method&gt;      /package.Service/Method
 *   &lt;principal&gt;   the AccessKey (client-to-gateway) | x-keygate-app (gateway-to-backend)
 *   &lt;timestamp&gt;   x-ca-timestamp | x-keygate-timestamp
 *   &lt;nonce&gt;       x-ca-nonce | x-keygate-request-id
 * </pre>
 */
public record PayloadAad(Direction direction, String keyId, long counter, String method,
    String principal, String timestamp, String nonce) {

  /** Which hop a message crosses; the two never share a key or an AAD. */
  public enum Direction {
    CLIENT_TO_GATEWAY("client-to-gateway"),
    GATEWAY_TO_BACKEND("gateway-to-backend");

    private final String text;

    Direction(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  public PayloadAad {
    if (direction == null || !PayloadEnvelope.isKeyId(keyId) || counter < 0
        || counter > PayloadEnvelope.MAX_COUNTER) {
      throw new IllegalArgumentException("not a payload AAD");
    }
    for (String v : new String[] {method, principal, timestamp, nonce}) {
      if (!isLine(v)) {
        throw new IllegalArgumentException("AAD values are 1-512 bytes of printable ASCII");
      }
    }
  }

  public byte[] bytes() {
    return String.join("\n", "keygate-payload-v1", direction.text(), keyId,
            Long.toString(counter), method, principal, timestamp, nonce)
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static boolean isLine(String v) {
    if (v == null || v.isEmpty() || v.length() > 512) {
      return false;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }
}
