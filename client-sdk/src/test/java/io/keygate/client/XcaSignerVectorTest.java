package io.keygate.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Walks every vector (made by an independent Python script) and collects all failures before
 * asserting, so one run shows every disagreement.
 */
class XcaSignerVectorTest {

  @Test
  void sign_reproducesEveryConformingVector_andNoNonConformingOne() {
    List<String> failures = new ArrayList<>();
    int conforming = 0;
    int nonConforming = 0;
    for (JsonObject c : XcaVectors.cases()) {
      String id = c.get("id").getAsString();
      XcaSignature produced;
      try {
        produced = sign(c);
      } catch (IllegalArgumentException e) {
        produced = null; // the SDK refused the inputs
      }
      if (c.get("conforming_signer").getAsBoolean()) {
        conforming++;
        if (produced == null) {
          failures.add(id + ": SDK refused conforming inputs");
        } else {
          checkConforming(c, produced, failures);
        }
      } else {
        nonConforming++;
        if (produced != null
            && produced.stringToSign().equals(c.get("string_to_sign").getAsString())
            && produced.signatureBase64().equals(c.get("signature_base64").getAsString())
            && produced.headers().get(XcaHeaders.SIGNATURE_HEADERS).equals(c.get("signature_headers").getAsString())) {
          failures.add(id + ": SDK reproduced a request that breaks the spec");
        }
      }
    }
    assertThat(failures).isEmpty();
    assertThat(conforming).isGreaterThanOrEqualTo(40);
    assertThat(nonConforming).isGreaterThanOrEqualTo(20);
  }

  private static XcaSignature sign(JsonObject c) {
    XcaSigner.Builder builder =
        XcaSigner.builder(
            c.get("access_key").getAsString(),
            AccessSecret.fromBase64(c.get("secret_base64").getAsString()));
    XcaVectors.extraSignedHeaders(c).forEach(builder::signedHeader);
    long timestamp;
    try {
      timestamp = Long.parseLong(c.get("timestamp_ms").getAsString());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("timestamp is not a number", e);
    }
    byte[] body = HexFormat.of().parseHex(c.get("body_hex").getAsString());
    return builder.build()
        .signDigest(
            c.get("path").getAsString(),
            c.get("authority").getAsString(),
            XcaSigner.sha256(body),
            timestamp,
            c.get("nonce").getAsString());
  }

  private static void checkConforming(JsonObject c, XcaSignature produced, List<String> failures) {
    String id = c.get("id").getAsString();
    if (!produced.stringToSign().equals(c.get("string_to_sign").getAsString())) {
      failures.add(id + ": string-to-sign differs:\n" + produced.stringToSign());
    }
    if (!produced.signatureBase64().equals(c.get("signature_base64").getAsString())) {
      failures.add(id + ": signature " + produced.signatureBase64());
    }
    if (!produced.headers().get(XcaHeaders.CONTENT_SHA256).equals(c.get("content_sha256").getAsString())) {
      failures.add(id + ": content digest differs");
    }
    if (!names(produced.headers().get(XcaHeaders.SIGNATURE_HEADERS))
        .equals(names(c.get("signature_headers").getAsString()))) {
      failures.add(id + ": signed header names differ");
    }
    if (c.get("expected").getAsString().equals("valid")) {
      // What the SDK would send is what a valid request carries (the list's order may differ).
      Map<String, String> sent = new java.util.HashMap<>();
      XcaVectors.metadata(c).forEach(e -> sent.putIfAbsent(e.getKey(), e.getValue()));
      produced.headers().forEach((name, value) -> {
        boolean same = name.equals(XcaHeaders.SIGNATURE_HEADERS)
            ? names(value).equals(names(sent.getOrDefault(name, "")))
            : value.equals(sent.get(name));
        if (!same) {
          failures.add(id + ": header " + name + " differs from the vector's metadata");
        }
      });
    }
  }

  private static Set<String> names(String list) {
    return new HashSet<>(Arrays.asList(list.split(",", -1)));
  }
}
