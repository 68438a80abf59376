package io.keygate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Metadata;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetadataPolicyTest {
  private final MetadataPolicy policy = MetadataPolicy.defaults();

  @Test
  void request_forwardsApplicationHeaders() {
    assertThat(policy.forwardsRequest("x-app-header")).isTrue();
    assertThat(policy.forwardsRequest("x-trace-bin")).isTrue();
  }

  @Test
  void request_neverForwardsSignatureHeaders() {
    assertThat(policy.forwardsRequest("x-ca-signature")).isFalse();
    assertThat(policy.forwardsRequest("x-ca-key")).isFalse();
    assertThat(policy.forwardsRequest("x-ca-nonce")).isFalse();
  }

  @Test
  void request_neverForwardsTransportHeaders() {
    for (String name :
        new String[] {
          "te", "content-type", "user-agent", "grpc-timeout", "grpc-encoding",
          "grpc-accept-encoding", "connection", "host", ":authority"
        }) {
      assertThat(policy.forwardsRequest(name)).as(name).isFalse();
    }
  }

  @Test
  void request_dropsOtherHeadersUnlessListed() {
    assertThat(policy.forwardsRequest("authorization")).isFalse();
    assertThat(policy.withRequestName("Authorization").forwardsRequest("authorization")).isTrue();
  }

  @Test
  void request_stripsClientHeadersUnderGatewayPrefix_andAddsTheGatewaysOwn() {
    Metadata client = new Metadata();
    client.put(key("x-keygate-app"), "forged");
    client.put(key("x-app-header"), "kept");
    Metadata gateway = new Metadata();
    gateway.put(key("x-keygate-app"), "app-42");

    Metadata out = policy.requestHeaders(client, gateway);

    assertThat(out.getAll(key("x-keygate-app"))).containsExactly("app-42");
    assertThat(out.get(key("x-app-header"))).isEqualTo("kept");
  }

  @Test
  void request_keepsRepeatedValuesAndBinaryHeaders() {
    Metadata client = new Metadata();
    client.put(key("x-multi"), "1");
    client.put(key("x-multi"), "2");
    Metadata.Key<byte[]> bin = Metadata.Key.of("x-blob-bin", Metadata.BINARY_BYTE_MARSHALLER);
    client.put(bin, new byte[] {0, (byte) 0xff});

    Metadata out = policy.requestHeaders(client, new Metadata());

    assertThat(out.getAll(key("x-multi"))).containsExactly("1", "2");
    assertThat(out.get(bin)).containsExactly(0, 0xff);
  }

  @Test
  void request_rejectsGatewayHeaderOutsideItsPrefix() {
    Metadata gateway = new Metadata();
    gateway.put(key("x-app"), "forgeable");

    assertThatThrownBy(() -> policy.requestHeaders(new Metadata(), gateway))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x-app");
  }

  @Test
  void response_forwardsApplicationHeadersAndRichErrorDetails() {
    assertThat(policy.forwardsResponse("x-backend-detail")).isTrue();
    assertThat(policy.forwardsResponse("grpc-status-details-bin")).isTrue();
  }

  @Test
  void response_neverForwardsGatewayErrorCodesOrTransportHeaders() {
    assertThat(policy.forwardsResponse("x-ca-error-code")).isFalse();
    assertThat(policy.forwardsResponse("x-keygate-error-code")).isFalse();
    assertThat(policy.forwardsResponse("x-keygate-request-id")).isFalse();
    assertThat(policy.forwardsResponse("x-keygate-anything")).isFalse();
    assertThat(policy.forwardsResponse("grpc-status")).isFalse();
    assertThat(policy.forwardsResponse("grpc-message")).isFalse();
    assertThat(policy.forwardsResponse("content-type")).isFalse();
  }

  @Test
  void settings_cannotAllowWhatIsNeverForwarded() {
    assertThatThrownBy(() -> policy.withRequestName("x-ca-signature"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy.withResponseName("grpc-status"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy.withRequestName("te"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void settings_rejectGatewayPrefixThatIsNotAnApplicationHeader() {
    assertThatThrownBy(() -> new MetadataPolicy(Set.of(), Set.of(), List.of("x-ca-")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MetadataPolicy(Set.of(), Set.of(), List.of("grpc-")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void policy_isAValue() {
    assertThat(policy.withRequestName("traceparent"))
        .isEqualTo(MetadataPolicy.defaults().withRequestName("TraceParent"));
  }

  private static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }
}
