package io.keygate.gateway.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

class MetadataCopyTest {
  private static final String SIGNED = "x-ca-content-sha256,x-ca-key,x-ca-nonce,x-ca-timestamp";

  @Test
  void copiesTheSpecsHeaders_andTheOnesTheSignatureNames_nothingElse() {
    Metadata headers = signedCall(SIGNED + ",x-ca-stage");
    put(headers, "x-ca-stage", "RELEASE");
    put(headers, "x-ca-unsigned", "ignored");
    put(headers, "user-agent", "grpc-java");
    put(headers, "x-ca-signature-version", "2");

    Map<String, List<String>> copy = MetadataCopy.signatureEntries(headers);

    assertThat(copy).containsOnlyKeys("x-ca-key", "x-ca-timestamp", "x-ca-nonce",
        "x-ca-content-sha256", "x-ca-signature", "x-ca-signature-method",
        "x-ca-signature-headers", "x-ca-signature-version", "x-ca-stage");
    assertThat(copy.get("x-ca-stage")).containsExactly("RELEASE");
    // Sent but not signed: still copied, so the authenticator can refuse it.
    assertThat(copy.get("x-ca-signature-version")).containsExactly("2");
  }

  @Test
  void keepsEveryValueOfARepeatedHeader_soTheAuthenticatorSeesTheRepeat() {
    Metadata headers = signedCall(SIGNED + ",x-ca-stage");
    put(headers, "x-ca-nonce", "second-nonce-0123456789");
    put(headers, "x-ca-stage", "A");
    put(headers, "x-ca-stage", "B");

    Map<String, List<String>> copy = MetadataCopy.signatureEntries(headers);

    assertThat(copy.get("x-ca-nonce")).hasSize(2);
    assertThat(copy.get("x-ca-stage")).containsExactly("A", "B");
  }

  /** An anonymous caller's long list costs a bounded number of look-ups, whatever its length. */
  @Test
  void looksUpNoMoreThanItsBound_ofAHostileList() {
    StringJoiner list = new StringJoiner(",");
    Metadata headers = signedCall("placeholder");
    for (int i = 0; i < 200; i++) {
      list.add("x-ca-listed-" + i);
      put(headers, "x-ca-listed-" + i, "v");
    }
    headers.removeAll(key("x-ca-signature-headers"));
    put(headers, "x-ca-signature-headers", list.toString());

    Map<String, List<String>> copy = MetadataCopy.signatureEntries(headers);

    long named = copy.keySet().stream().filter(n -> n.startsWith("x-ca-listed-")).count();
    assertThat(named).isEqualTo(MetadataCopy.MAX_NAMED);
  }

  @Test
  void skipsNamesNoSignatureMayList_withoutThrowing() {
    Metadata headers = signedCall(",X-Ca-Upper,x-ca-blob-bin,user-agent,x-ca-,x-ca-sp ace,x-ca-é,,");
    put(headers, "user-agent", "grpc-java");
    headers.put(Metadata.Key.of("x-ca-blob-bin", Metadata.BINARY_BYTE_MARSHALLER), new byte[] {1});

    Map<String, List<String>> copy = MetadataCopy.signatureEntries(headers);

    assertThat(copy).doesNotContainKeys("user-agent", "x-ca-blob-bin", "X-Ca-Upper", "x-ca-upper");
    assertThat(copy).hasSize(7);
  }

  @Test
  void copiesNothing_fromACallWithoutXCaHeaders() {
    Metadata headers = new Metadata();
    put(headers, "user-agent", "grpc-java");

    assertThat(MetadataCopy.signatureEntries(headers)).isEmpty();
  }

  private static Metadata signedCall(String signedNames) {
    Metadata headers = new Metadata();
    put(headers, "x-ca-key", "AKexample");
    put(headers, "x-ca-timestamp", "1764590400000");
    put(headers, "x-ca-nonce", "first-nonce-0123456789");
    put(headers, "x-ca-content-sha256", "0".repeat(64));
    put(headers, "x-ca-signature-method", "HmacSHA256");
    put(headers, "x-ca-signature-headers", signedNames);
    put(headers, "x-ca-signature", "A".repeat(43) + "=");
    return headers;
  }

  private static void put(Metadata headers, String name, String value) {
    headers.put(key(name), value);
  }

  private static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }
}
