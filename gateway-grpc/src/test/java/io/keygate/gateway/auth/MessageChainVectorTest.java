package io.keygate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.keygate.gateway.model.Credential;
import io.keygate.hsm.KeyLabel;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Drives {@link MessageChain} with every case of the version-2 message vectors (made by an
 * independent Python script, docs/signature-spec.md section 13.6) and collects all failures
 * before asserting: the verdict, where it falls, and what is forwarded before it.
 */
class MessageChainVectorTest {
  // A copy of client-sdk/src/test/resources/vectors/xca-messages-v2.json; the generator writes both.
  private static final String RESOURCE = "/vectors/xca-messages-v2.json";
  private static final KeyLabel LABEL = KeyLabel.of("vector-secret");
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void chain_givesTheExpectedVerdictPlaceAndForwardedPayloadsForEveryVector() throws Exception {
    List<String> failures = new ArrayList<>();
    Set<AuthFailure> seen = EnumSet.noneOf(AuthFailure.class);
    int valid = 0;
    for (JsonElement e : load().getAsJsonArray("cases")) {
      JsonObject c = e.getAsJsonObject();
      String id = c.get("id").getAsString();
      SoftwareMacVerifier verifier = new SoftwareMacVerifier()
          .with(LABEL, Base64.getDecoder().decode(c.get("secret_base64").getAsString()));
      Credential caller = new Credential(
          "AKvector0000000001", "app-vector", "tenant-vector", LABEL, null, false, null);
      MessageChain chain = new MessageChain(verifier, caller,
          Base64.getDecoder().decode(c.get("call_signature_base64").getAsString()), true);

      List<String> forwarded = new ArrayList<>();
      MessageChain.Refused refused = null;
      int at = 0;
      List<String> received = strings(c, "received_hex");
      for (; at < received.size() && refused == null; at++) {
        MessageChain.Step step = chain.accept(HEX.parseHex(received.get(at)));
        if (step instanceof MessageChain.Forward f) {
          forwarded.add(HEX.formatHex(f.payload()));
        } else if (step instanceof MessageChain.Refused r) {
          refused = r;
        }
      }
      if (refused == null && c.get("half_close").getAsBoolean()
          && chain.halfClose() instanceof MessageChain.Refused r) {
        refused = r;
        at++;
      }
      String actual = refused == null ? "valid" : refused.rejection().failure().code();
      if (!actual.equals(c.get("expected").getAsString())) {
        failures.add(id + ": expected " + c.get("expected").getAsString() + " but was " + actual);
      } else if (refused != null && at - 1 != c.get("refused_at").getAsInt()) {
        failures.add(id + ": refused at " + (at - 1) + ", not " + c.get("refused_at"));
      }
      if (!forwarded.equals(strings(c, "forwarded_hex"))) {
        failures.add(id + ": forwarded " + forwarded);
      }
      if (refused != null) {
        seen.add(refused.rejection().failure());
        assertThat(refused.rejection().logDetail()).doesNotContain(c.get("secret_base64").getAsString());
      } else {
        valid++;
      }
    }
    assertThat(failures).isEmpty();
    assertThat(seen).containsExactlyInAnyOrder(AuthFailure.MALFORMED_ENVELOPE,
        AuthFailure.BAD_MESSAGE_SIGNATURE, AuthFailure.STREAM_TRUNCATED);
    assertThat(valid).isGreaterThanOrEqualTo(5);
  }

  @Test
  void vectorFile_isTheSameAsTheClientSdkCopy() throws Exception {
    Path sdkCopy = Path.of(System.getProperty("basedir", "."))
        .resolve("../client-sdk/src/test/resources/vectors/xca-messages-v2.json").normalize();
    assertThat(sdkCopy).as("the client-sdk module's copy of the vectors").exists();
    byte[] ours;
    try (InputStream in = getClass().getResourceAsStream(RESOURCE)) {
      ours = in.readAllBytes();
    }
    assertThat(ours).as("regenerate both with generate_message_vectors.py")
        .isEqualTo(Files.readAllBytes(sdkCopy));
  }

  private static List<String> strings(JsonObject c, String name) {
    List<String> out = new ArrayList<>();
    c.getAsJsonArray(name).forEach(x -> out.add(x.getAsString()));
    return out;
  }

  private static JsonObject load() throws Exception {
    try (InputStream in = MessageChainVectorTest.class.getResourceAsStream(RESOURCE)) {
      assertThat(in).as(RESOURCE + " on the test classpath").isNotNull();
      return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
          .getAsJsonObject();
    }
  }
}
