package io.keygate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.keygate.gateway.config.ConfigSnapshot;
import io.keygate.gateway.model.Credential;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.testing.MutableClock;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Drives {@link RequestAuthenticator} with every case of the shared vectors (made by an
 * independent Python script) and collects all failures before asserting.
 */
class XcaVectorAuthenticationTest {
  // A copy of client-sdk/src/test/resources/vectors/xca-signature-v1.json: the client-sdk
  // test-jar is not on this module's test classpath. The generator writes both copies.
  private static final String RESOURCE = "/vectors/xca-signature-v1.json";
  private static final KeyLabel LABEL = KeyLabel.of("vector-secret");

  @Test
  void authenticate_givesTheExpectedResultForEveryVector() throws Exception {
    JsonObject file = load();
    long windowMs = file.get("window_ms").getAsLong();
    Map<String, JsonObject> byId = new HashMap<>();
    List<String> failures = new ArrayList<>();
    Set<AuthFailure> seen = EnumSet.noneOf(AuthFailure.class);
    int valid = 0;
    for (JsonElement e : file.getAsJsonArray("cases")) {
      JsonObject c = e.getAsJsonObject();
      String id = c.get("id").getAsString();
      byId.put(id, c);
      MutableClock clock = MutableClock.atMillis(0);
      ReplayWindow window = new ReplayWindow(clock, Duration.ofMillis(windowMs));
      InMemoryNonceStore nonces = new InMemoryNonceStore(clock, 1000);
      if (!c.get("replay_of").isJsonNull()) {
        JsonObject earlier = byId.get(c.get("replay_of").getAsString());
        run(earlier, clock, window, nonces, new SoftwareMacVerifier());
      }
      SoftwareMacVerifier verifier = new SoftwareMacVerifier();
      AuthResult result = run(c, clock, window, nonces, verifier);

      String expected = c.get("expected").getAsString();
      String actual = result instanceof AuthResult.Rejected r ? r.failure().code() : "valid";
      if (!actual.equals(expected)) {
        String detail = result instanceof AuthResult.Rejected r ? " (" + r.logDetail() + ")" : "";
        failures.add(id + ": expected " + expected + " but was " + actual + detail);
      }
      if (result instanceof AuthResult.Rejected r) {
        seen.add(r.failure());
        boolean failsBeforeTheHsm = r.failure() != AuthFailure.BAD_SIGNATURE && r.failure() != AuthFailure.REPLAYED_NONCE;
        if (failsBeforeTheHsm && verifier.calls.get() != 0) {
          failures.add(id + ": the HSM was asked although " + r.failure() + " is decided before it");
        }
      } else {
        valid++;
      }
    }
    assertThat(failures).isEmpty();
    // CredentialUnusable is about the stored secret, not the request: no vector can cause it
    // (RequestAuthenticatorTest and WrappedCredentialEndToEndTest do). The codes of a version-2
    // call's later messages are the message vectors' (MessageChainVectorTest).
    // SignatureVersionRequired is an API's policy, not the request's form
    // (SignatureVersionRequiredEndToEndTest).
    assertThat(seen).as("every failure code a request can cause is exercised")
        .isEqualTo(EnumSet.complementOf(EnumSet.of(AuthFailure.SECRET_UNUSABLE,
            AuthFailure.MALFORMED_ENVELOPE, AuthFailure.BAD_MESSAGE_SIGNATURE,
            AuthFailure.STREAM_TRUNCATED, AuthFailure.VERSION_REQUIRED)));
    assertThat(valid).isGreaterThanOrEqualTo(10);
  }

  @Test
  void vectorFile_isTheSameAsTheClientSdkCopy() throws Exception {
    Path sdkCopy = Path.of(System.getProperty("basedir", "."))
        .resolve("../client-sdk/src/test/resources/vectors/xca-signature-v1.json").normalize();
    assertThat(sdkCopy).as("the client-sdk module's copy of the vectors").exists();
    byte[] ours;
    try (InputStream in = getClass().getResourceAsStream(RESOURCE)) {
      ours = in.readAllBytes();
    }
    assertThat(ours).as("regenerate both with generate_xca_vectors.py").isEqualTo(Files.readAllBytes(sdkCopy));
  }

  /** Presents case {@code c} at its own now_ms to an authenticator that shares the nonce store. */
  private static AuthResult run(
      JsonObject c, MutableClock clock, ReplayWindow window, NonceStore nonces, SoftwareMacVerifier verifier)
      throws Exception {
    long now = c.get("now_ms").getAsLong();
    clock.set(Instant.ofEpochMilli(now));
    verifier.with(LABEL, Base64.getDecoder().decode(c.get("secret_base64").getAsString()));
    RequestAuthenticator authenticator = new RequestAuthenticator(verifier, nonces, window);
    return authenticator.authenticate(request(c), snapshot(c, Instant.ofEpochMilli(now)));
  }

  static SignedRequest request(JsonObject c) {
    JsonObject r = c.getAsJsonObject("request");
    Map<String, List<String>> metadata = new LinkedHashMap<>();
    for (JsonElement p : r.getAsJsonArray("metadata")) {
      JsonArray pair = p.getAsJsonArray();
      metadata.computeIfAbsent(pair.get(0).getAsString(), k -> new ArrayList<>()).add(pair.get(1).getAsString());
    }
    byte[] firstMessage = HexFormat.of().parseHex(r.get("first_message_hex").getAsString());
    return SignedRequest.withFirstMessage(
        r.get("path").getAsString(), r.get("authority").getAsString(), metadata, firstMessage);
  }

  private static ConfigSnapshot snapshot(JsonObject c, Instant now) {
    String state = c.get("credential_state").getAsString();
    if (state.equals("unknown")) {
      return ConfigSnapshot.empty();
    }
    Credential credential = new Credential(
        c.get("access_key").getAsString(), "app-vector", "tenant-vector", LABEL,
        state.equals("expired") ? now.minusSeconds(1) : null,
        state.equals("revoked"),
        null);
    return new ConfigSnapshot(1, List.of(), List.of(), List.of(), List.of(credential), List.of(), List.of());
  }

  private static JsonObject load() throws Exception {
    try (InputStream in = XcaVectorAuthenticationTest.class.getResourceAsStream(RESOURCE)) {
      assertThat(in).as(RESOURCE + " on the test classpath").isNotNull();
      return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    }
  }
}
