package io.keygate.gateway.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackendTargetTest {

  @Test
  void parse_readsHostAndPort() {
    assertThat(BackendTarget.parse("backend.internal:8443"))
        .isEqualTo(new BackendTarget("backend.internal", 8443));
    assertThat(BackendTarget.parse("10.0.0.7:50051"))
        .isEqualTo(new BackendTarget("10.0.0.7", 50051));
  }

  @Test
  void parse_readsBracketedIpv6() {
    BackendTarget target = BackendTarget.parse("[::1]:50051");

    assertThat(target).isEqualTo(new BackendTarget("::1", 50051));
    assertThat(target.authority()).isEqualTo("[::1]:50051");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "backend", "backend:", ":80", "backend:0", "backend:65536", "backend:80x",
        "dns:///backend:80", "unix:/tmp/sock:1", "a/b:80", "::1:80", "[::1]80", "back end:80"
      })
  void parse_rejectsWhatIsNotHostAndPort(String text) {
    assertThatThrownBy(() -> BackendTarget.parse(text))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
