package io.keygate.backend;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The backend attestation v1 vectors (src/test/resources/vectors/attestation-v1.json). */
public final class AttestationVectors {
  /** One case: what a backend receives, and what it must answer. */
  public record Case(String id, String comment, String method, long nowMillis,
      Map<String, String> headers, String signature, byte[] body, String expected,
      String stringToSign) {
    /** The headers with the signature header added (when the case has one). */
    public Map<String, String> received() {
      Map<String, String> all = new LinkedHashMap<>(headers);
      if (signature != null) {
        all.put(AttestationHeaders.SIGNATURE.name(), signature);
      }
      return all;
    }
  }

  public final PublicKey publicKey;
  public final String keyId;
  /** The HMAC-SHA256 test key the hmac-* cases are MACed with (a test key, published). */
  public final byte[] hmacKey;
  public final String hmacKeyId;
  public final long windowMillis;
  public final List<Case> cases = new ArrayList<>();

  private AttestationVectors(JsonObject root) throws Exception {
    publicKey = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(
        Base64.getDecoder().decode(root.get("public_key_spki").getAsString())));
    keyId = root.get("key_id").getAsString();
    hmacKey = Base64.getDecoder().decode(root.get("hmac_key_b64").getAsString());
    hmacKeyId = root.get("hmac_key_id").getAsString();
    windowMillis = root.get("window_ms").getAsLong();
    for (JsonElement e : root.getAsJsonArray("cases")) {
      JsonObject c = e.getAsJsonObject();
      Map<String, String> headers = new LinkedHashMap<>();
      c.getAsJsonObject("headers").entrySet()
          .forEach(h -> headers.put(h.getKey(), h.getValue().getAsString()));
      cases.add(new Case(c.get("id").getAsString(), c.get("comment").getAsString(),
          c.get("method").getAsString(), c.get("now_ms").getAsLong(), headers,
          text(c, "signature"), Base64.getDecoder().decode(c.get("body_b64").getAsString()),
          c.get("expected").getAsString(), text(c, "string_to_sign")));
    }
  }

  public static AttestationVectors load() throws Exception {
    try (InputStream in = AttestationVectors.class.getResourceAsStream("/vectors/attestation-v1.json")) {
      if (in == null) {
        throw new IOException("vectors/attestation-v1.json is not on the test classpath");
      }
      return new AttestationVectors(
          JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject());
    }
  }

  private static String text(JsonObject c, String name) {
    JsonElement e = c.get(name);
    return e == null || e.isJsonNull() ? null : e.getAsString();
  }
}
