package io.keygate.admin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void write_escapesEverythingJsonRequires_andAParserReadsItBack() {
    String nasty =
        "quote\" backslash\\ nl\n cr\r tab\t bell\u0007 nul\u0000 ls\u2028 é 😀 </script>";
    String json = Json.write(Map.of("s", nasty));
    assertThat(json)
        .doesNotContain("\n")
        .contains("\\u0007")
        .contains("\\u0000")
        .contains("\\u2028");
    assertThat(JsonParser.parseString(json).getAsJsonObject().get("s").getAsString())
        .isEqualTo(nasty);
  }

  @Test
  void write_keepsMapOrder_andWritesNestedValues() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("z", 1);
    m.put("a", List.of(true, false, "x"));
    m.put("n", null);
    m.put("when", Instant.parse("2030-01-01T00:00:00Z"));
    m.put("file", Path.of("/tmp/x"));
    m.put("nested", Map.of("k", 2.5));
    assertThat(Json.write(m))
        .isEqualTo(
            "{\"z\":1,\"a\":[true,false,\"x\"],\"n\":null,\"when\":\"2030-01-01T00:00:00Z\","
                + "\"file\":\"/tmp/x\",\"nested\":{\"k\":2.5}}");
  }

  @Test
  void write_turnsNonFiniteNumbersIntoStrings_soTheOutputStaysValid() {
    String json = Json.write(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, 7L));
    JsonElement parsed = JsonParser.parseString(json);
    assertThat(parsed.getAsJsonArray()).hasSize(3);
    assertThat(json).isEqualTo("[\"NaN\",\"Infinity\",7]");
  }
}
