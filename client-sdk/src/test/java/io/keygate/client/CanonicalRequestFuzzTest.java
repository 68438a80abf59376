package io.keygate.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The string-to-sign is injective: whatever CanonicalRequest.of accepts, its string-to-sign reads
 * back as exactly the parts it was built from, so no two different requests share a signature.
 * Its only refusal is IllegalArgumentException.
 */
class CanonicalRequestFuzzTest {
  private static final String DIGEST = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @FuzzTest(maxDuration = "30s")
  void stringToSign_readsBackAsItsParts(FuzzedDataProvider data) {
    String path = data.consumeString(80);
    String authority = data.consumeString(40);
    String digest = data.consumeBoolean() ? DIGEST : data.consumeString(70);
    Map<String, String> headers = new TreeMap<>();
    headers.put("x-ca-key", data.consumeString(30));
    headers.put("x-ca-timestamp", data.consumeString(20));
    headers.put("x-ca-nonce", data.consumeString(70));
    headers.put("x-ca-content-sha256", data.consumeBoolean() ? digest : data.consumeString(70));
    int extras = data.consumeInt(0, 14);
    for (int i = 0; i < extras; i++) {
      headers.put(data.consumeString(64), data.consumeString(40));
    }
    CanonicalRequest c;
    try {
      c = CanonicalRequest.of(path, authority, digest, headers);
    } catch (IllegalArgumentException refused) {
      return;
    }
    List<String> lines = Arrays.asList(c.stringToSign().split("\n", -1));
    assertThat(lines).hasSize(4 + headers.size());
    assertThat(lines.get(0)).isEqualTo("POST");
    assertThat(lines.get(1)).isEqualTo(authority.toLowerCase(Locale.ROOT));
    assertThat(lines.get(2)).isEqualTo(digest);
    assertThat(lines.get(lines.size() - 1)).isEqualTo(path);
    Map<String, String> readBack = new TreeMap<>();
    for (String line : lines.subList(3, lines.size() - 1)) {
      int colon = line.indexOf(':');
      readBack.put(line.substring(0, colon), line.substring(colon + 1));
    }
    assertThat(readBack).isEqualTo(headers);
    assertThat(c.signatureHeaders()).isEqualTo(String.join(",", headers.keySet()));
  }
}
