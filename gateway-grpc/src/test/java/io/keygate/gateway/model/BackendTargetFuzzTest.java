package io.keygate.gateway.model;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any text against the backend-target grammar: the only refusal is InvalidValueException, and an
 * accepted target survives its own round trip and gives grpc nothing but printable ASCII.
 */
class BackendTargetFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void backendTarget(byte[] input) {
    String text = new String(input, UTF_8);
    BackendTarget target;
    try {
      target = BackendTarget.parse(text);
    } catch (InvalidValueException refused) {
      assertThat(refused.getMessage()).startsWith("backend target: ");
      return;
    }
    assertThat(text).hasSizeLessThanOrEqualTo(BackendTarget.MAX_LENGTH);
    assertThat(target.addresses()).allSatisfy(a -> assertThat(a.port()).isBetween(1, 65_535));
    assertThat(BackendTarget.parse(target.toString())).isEqualTo(target);
    assertThat(IdRules.backendTarget(text)).isEqualTo(text);
    // Only printable ASCII reaches grpc's resolver: no spaces, controls or look-alike letters.
    assertThat(target.grpcTarget()).matches("(dns|list):///[\\x21-\\x7E]+");
  }
}
