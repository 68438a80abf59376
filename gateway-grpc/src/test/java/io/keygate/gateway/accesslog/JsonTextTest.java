package io.keygate.gateway.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** Caller-chosen text in an access-log line: escaped so it stays one JSON string on one line. */
class JsonTextTest {

  @Test
  void append_escapesQuotesBackslashesAndEveryControlCharacter_andRoundTrips() {
    StringBuilder controls = new StringBuilder();
    for (char c = 0; c < 0x20; c++) {
      controls.append(c);
    }
    String value = "a\"b\\c/" + controls + "\u007f\u0085\u2028\u2029end";

    String json = quoted(value, 1_000);

    assertThat(json).doesNotContainPattern("[\\x00-\\x1f\\x7f\\u0085\\u2028\\u2029]");
    assertThat(json).contains("\\\"", "\\\\", "\\n", "\\r", "\\t", "\\u0000", "\\u001f",
        "\\u007f", "\\u2028");
    assertThat(parsed(json)).isEqualTo(value);
  }

  @Test
  void append_keepsNonAsciiAsItIs() {
    String value = "caf\u00e9 \u65e5\u672c \ud83d\udd11";

    String json = quoted(value, 100);

    assertThat(json).isEqualTo("\"" + value + "\"");
    assertThat(parsed(json)).isEqualTo(value);
  }

  @Test
  void append_escapesUnpairedSurrogates_soNoEncoderReplacesThem() {
    String value = "x\ud800y\udc00z";

    String json = quoted(value, 100);

    assertThat(json).isEqualTo("\"x\\ud800y\\udc00z\"");
  }

  @Test
  void append_cutsOverLongValues_andMarksTheCut() {
    String value = "k".repeat(10_000);

    String json = quoted(value, 256);

    assertThat(parsed(json)).isEqualTo("k".repeat(256) + JsonText.CUT);
  }

  @Test
  void append_neverCutsASurrogatePairInTwo() {
    String value = "ab\ud83d\udd11cd";

    String json = quoted(value, 3);

    assertThat(parsed(json)).isEqualTo("ab" + JsonText.CUT);
  }

  @Test
  void append_writesNullForAbsentValues() {
    StringBuilder out = new StringBuilder();
    JsonText.append(out, null, 10);
    assertThat(out).hasToString("null");
  }

  private static String quoted(String value, int max) {
    StringBuilder out = new StringBuilder();
    JsonText.append(out, value, max);
    return out.toString();
  }

  private static String parsed(String json) {
    return JsonParser.parseString(json).getAsString();
  }
}
