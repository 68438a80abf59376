package io.keygate.client.payload;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every case of the payload vectors (made by an independent Python implementation, {@code
 * vectors/generate-payload-vectors.py}) through this SDK's codec and cipher; all failures are
 * collected before asserting.
 */
class PayloadVectorTest {
  static final String RESOURCE = "/vectors/payload-v1.json";
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void everyVector_opensOrIsRefusedWithItsCode_andOkCasesSealToTheSameBytes() throws Exception {
    JsonObject file;
    try (InputStream in = getClass().getResourceAsStream(RESOURCE)) {
      assertThat(in).as(RESOURCE + " on the test classpath").isNotNull();
      file = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
          .getAsJsonObject();
    }
    Map<String, PayloadKey> ring = new HashMap<>();
    file.getAsJsonObject("keys").entrySet().forEach(e ->
        ring.put(e.getKey(), PayloadKey.copyOf(e.getKey(), HEX.parseHex(e.getValue().getAsString()))));
    List<String> failures = new ArrayList<>();
    int ok = 0;
    for (JsonElement el : file.getAsJsonArray("cases")) {
      JsonObject c = el.getAsJsonObject();
      String id = c.get("id").getAsString();
      PayloadCall call = call(c.getAsJsonObject("call"));
      long counter = c.get("expected_counter").getAsLong();
      byte[] envelope = HEX.parseHex(c.get("envelope").getAsString());
      String expected = c.get("result").getAsString();
      String got;
      try {
        byte[] plain = new PayloadCipher(new SecureRandom()).open(ring, call, counter, envelope);
        got = "ok";
        if (expected.equals("ok")) {
          ok++;
          if (!HEX.formatHex(plain).equals(c.get("plaintext").getAsString())) {
            failures.add(id + ": wrong plaintext");
          }
          String keyId = PayloadEnvelope.parse(envelope).keyId();
          byte[] sealed = new PayloadCipher(fixed(HEX.parseHex(c.get("iv").getAsString())))
              .seal(ring.get(keyId), call, counter, plain);
          if (!HEX.formatHex(sealed).equals(c.get("envelope").getAsString())) {
            failures.add(id + ": sealing gives other bytes");
          }
          if (!new String(call.aad(keyId, counter).bytes(), StandardCharsets.US_ASCII)
              .equals(c.get("aad").getAsString())) {
            failures.add(id + ": other AAD");
          }
        }
      } catch (PayloadException e) {
        got = e.failure().code();
      }
      if (!got.equals(expected)) {
        failures.add(id + ": expected " + expected + ", got " + got);
      }
    }
    assertThat(failures).isEmpty();
    assertThat(ok).isGreaterThanOrEqualTo(5);
  }

  static PayloadCall call(JsonObject c) {
    String d = c.get("direction").getAsString();
    PayloadAad.Direction direction = d.equals("client-to-gateway")
        ? PayloadAad.Direction.CLIENT_TO_GATEWAY : PayloadAad.Direction.GATEWAY_TO_BACKEND;
    return new PayloadCall(direction, c.get("method").getAsString(),
        c.get("principal").getAsString(), c.get("timestamp").getAsString(),
        c.get("nonce").getAsString());
  }

  /** A random source that gives the vector's IV: only for reproducing a vector's bytes. */
  static SecureRandom fixed(byte[] iv) {
    return new SecureRandom() {
      @Override
      public void nextBytes(byte[] bytes) {
        System.arraycopy(iv, 0, bytes, 0, bytes.length);
      }
    };
  }
}
