package io.keygate.gateway.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.keygate.client.CanonicalRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hostile metadata against the X-Ca parser, and the gateway's string-to-sign against the SDK's
 * over whatever the parser accepts. The input is text: line 1 the path, line 2 the authority,
 * then one {@code name:value} per line (repeat a name to send it twice), so the seed corpus in
 * src/test/resources reads like requests.
 */
class SignatureHeadersFuzzTest {
  private static final Set<String> ALWAYS_SIGNED =
      Set.of("x-ca-content-sha256", "x-ca-key", "x-ca-nonce", "x-ca-timestamp");

  @FuzzTest(maxDuration = "30s")
  void parse(byte[] input) {
    SignedRequest request = request(new String(input, UTF_8));
    SignatureHeaders h;
    try {
      h = SignatureHeaders.parse(request);
    } catch (Rejection r) {
      // The parser's only refusals; anything else escaping it is a finding.
      assertThat(r.failure()).isIn(AuthFailure.MISSING_HEADER, AuthFailure.MALFORMED_HEADER);
      return;
    }
    assertThat(h.signedHeaders().keySet()).containsAll(ALWAYS_SIGNED).hasSizeLessThanOrEqualTo(16);
    assertThat(h.signedHeaders().values()).allMatch(SignatureHeaders::isValidValue);
    assertThat(h.signature()).hasSize(32);
    assertThat(h.contentSha256()).hasSize(32);
    assertThat(h.timestampMillis()).isPositive();
    assertThat(h.signedHeaders()).containsEntry("x-ca-nonce", h.nonce()).containsEntry("x-ca-key", h.accessKey());

    byte[] gateway = StringToSign.build(request.authority(), h.contentSha256Hex(), h.signedHeaders(), request.path());
    // The SDK refuses to sign x-ca-signature-method; the gateway accepts it signed. Elsewhere the
    // two independent builders must agree byte for byte, or a valid client would be refused.
    if (!h.signedHeaders().containsKey("x-ca-signature-method")) {
      String sdk = CanonicalRequest.of(request.path(), request.authority(), h.contentSha256Hex(), h.signedHeaders())
          .stringToSign();
      assertThat(new String(gateway, UTF_8)).isEqualTo(sdk);
    }
  }

  static SignedRequest request(String text) {
    String[] lines = text.split("\n", -1);
    Map<String, List<String>> metadata = new LinkedHashMap<>();
    for (int i = 2; i < lines.length; i++) {
      int colon = lines[i].indexOf(':', 1);
      if (colon > 0) {
        metadata.computeIfAbsent(lines[i].substring(0, colon), k -> new ArrayList<>()).add(lines[i].substring(colon + 1));
      }
    }
    return SignedRequest.withFirstMessage(lines[0], lines.length > 1 ? lines[1] : null, metadata, new byte[0]);
  }
}
