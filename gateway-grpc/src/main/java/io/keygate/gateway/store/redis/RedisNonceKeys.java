package io.keygate.gateway.store.redis;

import io.keygate.gateway.auth.NonceStoreUnavailableException;
import java.nio.charset.StandardCharsets;

/**
 * Names the Redis key that holds one AccessKey's nonces: {@code kg:nonce:{<tenant>/<accessKey>}}.
 * The part in braces is the Redis Cluster hash tag, so everything the store's script touches for
 * one AccessKey lives in one slot (a script may only touch keys of one slot in a cluster).
 *
 * <p>Tenant ids and AccessKeys are validated upstream ({@code [A-Za-z0-9._:-]{1,64}}), so neither
 * holds a brace or a slash. Anything else is escaped all the same ({@code %XX} of its UTF-8
 * bytes, {@code %} included), so a future id rule can never move a key into another key's hash
 * tag or name, and the name is length-bounded.
 */
final class RedisNonceKeys {
  static final String PREFIX = "kg:nonce:";
  private static final int MAX_PART = 256;

  RedisNonceKeys() {}

  String forAccessKey(String tenantId, String accessKey) throws NonceStoreUnavailableException {
    return PREFIX + "{" + escaped(tenantId) + "/" + escaped(accessKey) + "}";
  }

  private static String escaped(String part) throws NonceStoreUnavailableException {
    StringBuilder out = new StringBuilder(part.length());
    for (byte b : part.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (isPlain(c)) {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    if (out.isEmpty() || out.length() > MAX_PART) {
      // Not a caller's mistake to report: ids are validated long before this. Fail closed.
      throw new NonceStoreUnavailableException(
          "a tenant id or AccessKey of " + part.length() + " characters cannot name a nonce key");
    }
    return out.toString();
  }

  private static boolean isPlain(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || c == '.' || c == '_' || c == ':' || c == '-';
  }
}
