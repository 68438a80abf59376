package io.keygate.gateway.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.keygate.client.AccessSecret;
import io.keygate.client.XcaSignature;
import io.keygate.client.XcaSigner;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The round trip a real call makes: whatever the SDK agrees to sign, the gateway parses back to
 * the same signed headers and builds the same string-to-sign. The SDK's only refusal is
 * IllegalArgumentException.
 */
class StringToSignFuzzTest {
  private static final AccessSecret SECRET = AccessSecret.copyOf(new byte[32]);

  @FuzzTest(maxDuration = "30s")
  void sdkSignature_parsesBackToTheSameStringToSign(FuzzedDataProvider data) {
    String path = data.consumeString(80);
    String authority = data.consumeString(40);
    String accessKey = data.consumeString(40);
    long timestamp = data.consumeLong();
    String nonce = data.consumeString(70);
    byte[] digest = data.consumeBytes(32);
    XcaSignature signature;
    try {
      XcaSigner.Builder builder = XcaSigner.builder(accessKey, SECRET);
      int extras = data.consumeInt(0, 13);
      for (int i = 0; i < extras; i++) {
        builder.signedHeader(data.consumeString(64), data.consumeString(40));
      }
      signature = builder.build().signDigest(path, authority, digest, timestamp, nonce);
    } catch (IllegalArgumentException refused) {
      return;
    }
    Map<String, List<String>> metadata = signature.headers().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue())));
    SignedRequest request = new SignedRequest(path, authority, metadata, digest);
    SignatureHeaders parsed;
    try {
      parsed = SignatureHeaders.parse(request);
    } catch (Rejection r) {
      throw new AssertionError("the gateway refuses what the SDK signed: " + r.getMessage(), r);
    }
    assertThat(parsed.signedHeaders()).isEqualTo(signature.canonicalRequest().signedHeaders());
    assertThat(parsed.timestampMillis()).isEqualTo(timestamp);
    byte[] sts = StringToSign.build(request.authority(), parsed.contentSha256Hex(), parsed.signedHeaders(), request.path());
    assertThat(new String(sts, UTF_8)).isEqualTo(signature.stringToSign());
  }
}
