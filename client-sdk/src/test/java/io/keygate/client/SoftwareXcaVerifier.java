package io.keygate.client;

import io.grpc.Metadata;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A test-side verifier written straight from the spec, sharing no code with the SDK: it rebuilds
 * the string-to-sign from the metadata a server received and checks the HMAC in software.
 */
final class SoftwareXcaVerifier {
  private SoftwareXcaVerifier() {}

  static boolean verifies(
      Metadata headers, String authority, String path, byte[] firstMessage, byte[] secret)
      throws Exception {
    String digestHex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(firstMessage));
    if (!digestHex.equals(get(headers, "x-ca-content-sha256"))) {
      return false;
    }
    String[] names = get(headers, "x-ca-signature-headers").split(",");
    Arrays.sort(names);
    StringBuilder sts = new StringBuilder("POST\n")
        .append(authority.toLowerCase(Locale.ROOT)).append('\n')
        .append(digestHex).append('\n');
    for (String name : names) {
      sts.append(name).append(':').append(get(headers, name)).append('\n');
    }
    sts.append(path);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    byte[] expected = mac.doFinal(sts.toString().getBytes(StandardCharsets.UTF_8));
    byte[] received = java.util.Base64.getDecoder().decode(get(headers, "x-ca-signature"));
    return MessageDigest.isEqual(expected, received);
  }

  static String get(Metadata headers, String name) {
    return headers.get(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
  }
}
