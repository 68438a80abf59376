package io.keygate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A request screened on its headers alone has no first message yet: nothing may read a digest
 * from it, or compare one against it, until the message is in. A digest compared against a
 * missing message must never quietly answer "differs" (or "equals").
 */
class SignedRequestTest {
  private static final Map<String, List<String>> HEADERS =
      Map.of("X-Ca-Key", List.of("AK1"), "x-ca-nonce", List.of("n-0000000000000001"));
  private static final byte[] BODY = "pay 100".getBytes(StandardCharsets.UTF_8);

  @Test
  void headersOnly_hasNoFirstMessage_andRefusesToReadOrCompareADigest() {
    SignedRequest screened = SignedRequest.headersOnly("/p.S/M", "gw:443", HEADERS);

    assertThat(screened).isNotNull();
    assertThat(screened.hasFirstMessage()).isFalse();
    assertThat(screened.path()).isEqualTo("/p.S/M");
    assertThat(screened.authority()).isEqualTo("gw:443");
    assertThat(screened.values("x-ca-key")).containsExactly("AK1");
    assertThatThrownBy(screened::firstMessageSha256).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> screened.firstMessageDigestEquals(SignedRequest.sha256(BODY)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void withFirstMessage_keepsTheHeaders_andDigestsTheMessage() {
    SignedRequest screened = SignedRequest.headersOnly("/p.S/M", "gw:443", HEADERS);

    SignedRequest complete = screened.withFirstMessage(BODY);

    assertThat(complete).isNotNull();
    assertThat(complete.hasFirstMessage()).isTrue();
    assertThat(complete.values("x-ca-nonce")).containsExactly("n-0000000000000001");
    assertThat(complete.firstMessageSha256()).isEqualTo(SignedRequest.sha256(BODY));
    assertThat(complete.firstMessageDigestEquals(SignedRequest.sha256(BODY))).isTrue();
    assertThat(complete.firstMessageDigestEquals(SignedRequest.sha256(new byte[0]))).isFalse();
    assertThat(screened.hasFirstMessage()).as("the screened request is unchanged").isFalse();
  }

  @Test
  void theStaticFactory_digestsTheMessageItIsGiven() {
    SignedRequest request = SignedRequest.withFirstMessage("/p.S/M", "gw:443", HEADERS, BODY);

    assertThat(request.hasFirstMessage()).isTrue();
    assertThat(request.firstMessageSha256()).isEqualTo(SignedRequest.sha256(BODY));
  }
}
