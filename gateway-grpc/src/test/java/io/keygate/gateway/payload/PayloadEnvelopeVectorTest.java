package io.keygate.gateway.payload;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The gateway's envelope codec and AAD against every payload vector, with the JDK's AES/GCM standing
 * in for the token (the token's own path is {@code PayloadTransformerTest}); all failures are
 * collected before asserting.
 */
class PayloadEnvelopeVectorTest {
  // A copy of client-sdk/src/test/resources/vectors/payload-v1.json (and backend-verifier's):
  // the modules share no code, only the vectors.
  private static final String RESOURCE = "/vectors/payload-v1.json";
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void everyVector_parsesAndOpensOrFailsWithItsCode() throws Exception {
    JsonObject file = load();
    Map<String, byte[]> ring = new TreeMap<>();
    file.getAsJsonObject("keys").entrySet()
        .forEach(e -> ring.put(e.getKey(), HEX.parseHex(e.getValue().getAsString())));
    List<String> failures = new ArrayList<>();
    for (JsonElement el : file.getAsJsonArray("cases")) {
      JsonObject c = el.getAsJsonObject();
      String id = c.get("id").getAsString();
      String got;
      byte[] envelope = HEX.parseHex(c.get("envelope").getAsString());
      try {
        PayloadEnvelope e = PayloadEnvelope.parse(envelope);
        if (!HEX.formatHex(e.encode()).equals(c.get("envelope").getAsString())) {
          failures.add(id + ": does not re-encode to the same bytes");
        }
        got = open(ring, call(c.getAsJsonObject("call")), c.get("expected_counter").getAsLong(), e,
            c);
      } catch (PayloadException ex) {
        got = ex.failure().code();
      }
      if (!got.equals(c.get("result").getAsString())) {
        failures.add(id + ": expected " + c.get("result").getAsString() + ", got " + got);
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void vectorFile_isTheSameInEveryModule() throws Exception {
    byte[] ours;
    try (InputStream in = getClass().getResourceAsStream(RESOURCE)) {
      ours = in.readAllBytes();
    }
    Path base = Path.of(System.getProperty("basedir", "."));
    for (String copy : List.of("../client-sdk/src/test/resources/vectors/payload-v1.json",
        "../backend-verifier/src/test/resources/vectors/payload-v1.json")) {
      assertThat(ours).as("regenerate with generate-payload-vectors.py and copy: " + copy)
          .isEqualTo(Files.readAllBytes(base.resolve(copy).normalize()));
    }
  }

  private static String open(Map<String, byte[]> ring, PayloadCall call, long counter,
      PayloadEnvelope e, JsonObject c) throws Exception {
    byte[] key = ring.get(e.keyId());
    if (key == null) {
      return PayloadFailure.KEY_UNKNOWN.code();
    }
    if (e.counter() != counter) {
      return PayloadFailure.COUNTER_OUT_OF_ORDER.code();
    }
    byte[] aad = call.aad(e.keyId(), e.counter()).bytes();
    if (c.has("aad") && !new String(aad, StandardCharsets.US_ASCII).equals(c.get("aad").getAsString())) {
      return "other AAD";
    }
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, e.iv()));
    gcm.updateAAD(aad);
    try {
      byte[] plain = gcm.doFinal(e.ciphertextAndTag());
      return HEX.formatHex(plain).equals(c.get("plaintext").getAsString()) ? "ok" : "wrong plaintext";
    } catch (AEADBadTagException bad) {
      return PayloadFailure.REJECTED.code();
    }
  }

  static PayloadCall call(JsonObject c) {
    PayloadAad.Direction d = c.get("direction").getAsString().equals("client-to-gateway")
        ? PayloadAad.Direction.CLIENT_TO_GATEWAY : PayloadAad.Direction.GATEWAY_TO_BACKEND;
    return new PayloadCall(d, c.get("method").getAsString(), c.get("principal").getAsString(),
        c.get("timestamp").getAsString(), c.get("nonce").getAsString());
  }

  private JsonObject load() throws Exception {
    try (InputStream in = getClass().getResourceAsStream(RESOURCE)) {
      assertThat(in).as(RESOURCE + " on the test classpath").isNotNull();
      return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
          .getAsJsonObject();
    }
  }
}
