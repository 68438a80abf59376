package io.keygate.client.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.client.AccessSecret;
import io.keygate.client.XcaSignature;
import io.keygate.client.XcaSigner;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * EncryptedCall seals and signs in the spec's order: message 0 is bound to the very timestamp and
 * nonce the call is signed with, the signature covers its envelope, and every later message is
 * bound to its place (inside its version-2 message envelope when the signer signs every message).
 */
class EncryptedCallTest {
  private static final String PATH = "/keygate.demo.v1.EchoService/Collect";
  private final PayloadKey key = PayloadKey.copyOf("c-1", bytes(32, 7));
  private final PayloadCipher cipher = new PayloadCipher(new SecureRandom());

  @Test
  void messageZero_isBoundToTheSignedTimestampAndNonce_andTheSignatureCoversItsEnvelope()
      throws Exception {
    XcaSigner signer = XcaSigner.builder("AKtest000000001", AccessSecret.copyOf(bytes(32, 1)))
        .build();
    EncryptedCall call = EncryptedCall.start(signer, cipher, key, PATH, "localhost:8443",
        text("pay 1 EUR to bob"));
    XcaSignature signature = call.signature();
    Map<String, String> headers = signature.headers();

    assertThat(call.bound()).isEqualTo(new PayloadCall(PayloadAad.Direction.CLIENT_TO_GATEWAY,
        PATH, "AKtest000000001", headers.get("x-ca-timestamp"), headers.get("x-ca-nonce")));
    assertThat(headers.get("x-ca-content-sha256")).isEqualTo(HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(call.firstMessage())));
    assertThat(cipher.open(Map.of("c-1", key), call.bound(), 0, call.firstMessage()))
        .isEqualTo(text("pay 1 EUR to bob"));
    byte[] m1 = call.next(text("from account A"));
    assertThat(cipher.open(Map.of("c-1", key), call.bound(), 1, m1))
        .isEqualTo(text("from account A"));
    assertThatThrownBy(call::end).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void underVersion2_laterMessagesAreSealedThenEnveloped() throws Exception {
    XcaSigner signer = XcaSigner.builder("AKtest000000001", AccessSecret.copyOf(bytes(32, 1)))
        .signEveryMessage().build();
    EncryptedCall call = EncryptedCall.start(signer, cipher, key, PATH, "localhost:8443",
        text("first"));
    byte[] m1 = call.next(text("second"));
    // kind(1) || mac(32) || the payload envelope
    assertThat(m1[0]).isEqualTo((byte) 1);
    byte[] inner = Arrays.copyOfRange(m1, 33, m1.length);
    assertThat(cipher.open(Map.of("c-1", key), call.bound(), 1, inner)).isEqualTo(text("second"));
    assertThat(call.end()[0]).isEqualTo((byte) 2);
  }

  @Test
  void twoCalls_getTwoBindings_soACiphertextDoesNotMoveBetweenThem() throws Exception {
    XcaSigner signer = XcaSigner.builder("AKtest000000001", AccessSecret.copyOf(bytes(32, 1)))
        .build();
    EncryptedCall a = EncryptedCall.start(signer, cipher, key, PATH, "localhost:8443", text("a"));
    EncryptedCall b = EncryptedCall.start(signer, cipher, key, PATH, "localhost:8443", text("b"));
    assertThat(a.bound().nonce()).isNotEqualTo(b.bound().nonce());
    assertThatThrownBy(() -> cipher.open(Map.of("c-1", key), b.bound(), 1, a.next(text("x"))))
        .isInstanceOf(PayloadException.class);
  }

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (seed + i);
    }
    return b;
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
