package io.keygate.client;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The shared X-Ca test vectors, /vectors/xca-signature-v1.json. */
final class XcaVectors {
  static final String RESOURCE = "/vectors/xca-signature-v1.json";

  private XcaVectors() {}

  static JsonObject load() {
    try (InputStream in = XcaVectors.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the test classpath");
      }
      return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<JsonObject> cases() {
    List<JsonObject> out = new ArrayList<>();
    for (JsonElement e : load().getAsJsonArray("cases")) {
      out.add(e.getAsJsonObject());
    }
    return out;
  }

  static Map<String, String> extraSignedHeaders(JsonObject c) {
    Map<String, String> out = new LinkedHashMap<>();
    c.getAsJsonObject("extra_signed_headers").entrySet().forEach(e -> out.put(e.getKey(), e.getValue().getAsString()));
    return out;
  }

  /** The metadata pairs of the case's request, in order. */
  static List<Map.Entry<String, String>> metadata(JsonObject c) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    JsonArray pairs = c.getAsJsonObject("request").getAsJsonArray("metadata");
    for (JsonElement p : pairs) {
      JsonArray pair = p.getAsJsonArray();
      out.add(Map.entry(pair.get(0).getAsString(), pair.get(1).getAsString()));
    }
    return out;
  }
}
