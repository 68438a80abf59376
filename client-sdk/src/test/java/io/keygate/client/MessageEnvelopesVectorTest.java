package io.keygate.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The SDK's version-2 signing against the vectors of an independent Python script
 * (docs/signature-spec.md, section 13.6): the calls' signatures with the signed version, and the
 * envelopes of every case's messages and end marker. Collects all failures before asserting.
 */
class MessageEnvelopesVectorTest {
  private static final String RESOURCE = "/vectors/xca-messages-v2.json";
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void signEveryMessage_signsTheVectorsCallsWithTheVersionSigned() throws Exception {
    JsonObject file = load();
    List<String> failures = new ArrayList<>();
    String secret = file.getAsJsonArray("cases").get(0).getAsJsonObject()
        .get("secret_base64").getAsString();
    XcaSigner signer = XcaSigner.builder(file.get("access_key").getAsString(),
        AccessSecret.fromBase64(secret)).signEveryMessage().build();
    assertThat(signer.signsEveryMessage()).isTrue();
    for (JsonElement e : file.getAsJsonArray("calls")) {
      JsonObject call = e.getAsJsonObject();
      XcaSignature s = signer.signDigest(file.get("path").getAsString(),
          file.get("authority").getAsString(),
          XcaSigner.sha256(HEX.parseHex(call.get("first_message_hex").getAsString())),
          Long.parseLong(file.get("timestamp_ms").getAsString()), call.get("nonce").getAsString());
      if (!s.stringToSign().equals(call.get("string_to_sign").getAsString())
          || !s.signatureBase64().equals(call.get("signature_base64").getAsString())) {
        failures.add(call.get("nonce").getAsString() + ": " + s.stringToSign());
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void envelopes_reproduceEveryCasesEnvelopesAndEndMarker() throws Exception {
    List<String> failures = new ArrayList<>();
    int cases = 0;
    for (JsonElement e : load().getAsJsonArray("cases")) {
      JsonObject c = e.getAsJsonObject();
      cases++;
      MessageEnvelopes envelopes = new MessageEnvelopes(
          AccessSecret.fromBase64(c.get("secret_base64").getAsString()),
          Base64.getDecoder().decode(c.get("call_signature_base64").getAsString()));
      List<String> produced = new ArrayList<>();
      c.getAsJsonArray("payloads_hex").forEach(p ->
          produced.add(HEX.formatHex(envelopes.seal(HEX.parseHex(p.getAsString())))));
      produced.add(HEX.formatHex(envelopes.end()));
      List<String> expected = new ArrayList<>();
      c.getAsJsonArray("envelopes_hex").forEach(x -> expected.add(x.getAsString()));
      if (!produced.equals(expected)) {
        failures.add(c.get("id").getAsString() + ": envelopes differ");
      }
    }
    assertThat(failures).isEmpty();
    assertThat(cases).isGreaterThanOrEqualTo(20);
  }

  private static JsonObject load() throws Exception {
    try (InputStream in = MessageEnvelopesVectorTest.class.getResourceAsStream(RESOURCE)) {
      assertThat(in).as(RESOURCE + " on the test classpath").isNotNull();
      return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
          .getAsJsonObject();
    }
  }
}
