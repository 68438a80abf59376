package io.keygate.demo.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EchoBackendOptionsTest {
  @Test
  void parse_noArguments_listensOnLoopbackPort9001() {
    assertThat(EchoBackendOptions.parse())
        .isEqualTo(new EchoBackendOptions("127.0.0.1", 9001, "echo-backend", HandlerThreads.LOOP));
  }

  @Test
  void parse_portAndName_takesBoth() {
    assertThat(EchoBackendOptions.parse("--port", "0", "--name", "acme-backend"))
        .isEqualTo(new EchoBackendOptions("127.0.0.1", 0, "acme-backend", HandlerThreads.LOOP));
  }

  @Test
  void parse_threadsPool_handsCallsToThePool() {
    assertThat(EchoBackendOptions.parse("--threads", "pool").threads()).isEqualTo(HandlerThreads.POOL);
  }

  @Test
  void parse_threadsUnknown_namesTheOptionAndTheChoices() {
    assertThatThrownBy(() -> EchoBackendOptions.parse("--threads", "virtual"))
        .hasMessage("--threads is loop or pool, not 'virtual'");
  }

  @Test
  void parse_portNotANumber_namesTheOption() {
    assertThatThrownBy(() -> EchoBackendOptions.parse("--port", "90o1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--port")
        .hasMessageContaining("90o1");
  }

  @Test
  void parse_portOutOfRange_isRefused() {
    assertThatThrownBy(() -> EchoBackendOptions.parse("--port", "65536"))
        .hasMessageContaining("--port");
  }

  @Test
  void parse_unknownOption_namesIt() {
    assertThatThrownBy(() -> EchoBackendOptions.parse("--tls", "yes"))
        .hasMessage("unknown option --tls");
  }

  @Test
  void parse_optionWithoutValue_saysSo() {
    assertThatThrownBy(() -> EchoBackendOptions.parse("--name"))
        .hasMessage("--name needs a value");
  }

  @Test
  void address_unresolvableHost_namesTheOption() {
    EchoBackendOptions options = EchoBackendOptions.parse("--host", "no-such-host.invalid");
    assertThatThrownBy(options::address).hasMessageContaining("--host");
  }
}
