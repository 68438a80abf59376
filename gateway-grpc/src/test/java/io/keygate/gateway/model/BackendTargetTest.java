package io.keygate.gateway.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The one rule for backend targets: what the store accepts is what the proxy dials. */
class BackendTargetTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // text | host | port | grpc target
        "backend.internal:8443 | backend.internal | 8443 | dns:///backend.internal:8443",
        "localhost:1 | localhost | 1 | dns:///localhost:1",
        "10.0.0.7:50051 | 10.0.0.7 | 50051 | dns:///10.0.0.7:50051",
        "B-2.Example.COM:65535 | B-2.Example.COM | 65535 | dns:///B-2.Example.COM:65535",
        "dns:///backend.internal:8443 | backend.internal | 8443 | dns:///backend.internal:8443",
        "dns:///10.0.0.7:80 | 10.0.0.7 | 80 | dns:///10.0.0.7:80",
        "[::1]:50051 | ::1 | 50051 | dns:///%5B::1%5D:50051",
        "[2001:db8::7]:443 | 2001:db8::7 | 443 | dns:///%5B2001:db8::7%5D:443",
        "[2001:db8:0:0:0:0:0:7]:1 | 2001:db8:0:0:0:0:0:7 | 1 | dns:///%5B2001:db8:0:0:0:0:0:7%5D:1",
        "[::ffff:10.0.0.7]:80 | ::ffff:10.0.0.7 | 80 | dns:///%5B::ffff:10.0.0.7%5D:80",
        "[fe80::]:80 | fe80:: | 80 | dns:///%5Bfe80::%5D:80",
        "dns:///[::1]:8080 | ::1 | 8080 | dns:///%5B::1%5D:8080",
        "dns:80 | dns | 80 | dns:///dns:80",
        "unix:80 | unix | 80 | dns:///unix:80",
        "list:80 | list | 80 | dns:///list:80",
      })
  void parse_acceptsHostPortIpv6AndDnsForms(String text, String host, int port, String grpc) {
    BackendTarget target = BackendTarget.parse(text);

    assertThat(target).isEqualTo(new BackendTarget(host, port));
    assertThat(target.grpcTarget()).isEqualTo(grpc);
  }

  @Test
  void theDnsForm_namesTheSameBackendAsHostPort() {
    assertThat(BackendTarget.parse("dns:///b.internal:80"))
        .isEqualTo(BackendTarget.parse("b.internal:80"));
    assertThat(BackendTarget.parse("dns:///[::1]:80").authority()).isEqualTo("[::1]:80");
  }

  @Test
  void authority_bracketsIpv6Literals() {
    assertThat(new BackendTarget("::1", 50051).authority()).isEqualTo("[::1]:50051");
    assertThat(new BackendTarget("10.0.0.7", 80)).hasToString("10.0.0.7:80");
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(
      strings = {
        // no port, empty parts, port out of range or not a plain number
        "", "backend", "backend:", ":80", "backend:0", "backend:65536", "backend:99999",
        "backend:123456", "backend:80x", "backend:-1", "backend:+80", "backend:080", "backend: 80",
        // other schemes and resolvers, DNS with its own server, paths
        "unix:/tmp/sock:1", "unix:///tmp/sock", "xds:///backend:80", "ipv4:10.0.0.7:80",
        "passthrough:///backend:80", "dns://8.8.8.8/backend:80", "dns:/backend:80",
        "dns:///backend", "DNS:///backend:80", "http://backend:80", "a/b:80", "backend:80/x",
        // IPv6 without brackets, malformed brackets or literals, zone ids
        "::1:80", "[::1]80", "[::1]", "[::1]:", "[]:80", "[10.0.0.7]:80", "[backend]:80",
        "[1:2:3:4:5:6:7:8:9]:80", "[1::2::3]:80", "[12345::1]:80", "[::g]:80", "[fe80::1%eth0]:80",
        "[1:2:3:4:5:6:7]:80", "[::1.2.3.256]:80", "[[::1]]:80",
        // host names: spaces, bad labels, empty labels, too long, numeric but not IPv4
        "back end:80", "-backend:80", "backend-:80", "back_end:80", "backend..internal:80",
        ".backend:80", "backend.:80", "10.0.0.256:80", "10.0.0:80", "10.0.0.07:80",
        "bäckend:80", "backend\n:80",
      })
  void parse_rejectsEverythingElse(String text) {
    assertThatThrownBy(() -> BackendTarget.parse(text))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("backend target: ");
  }

  @Test
  void parse_rejectsTooLongTexts_andLabels() {
    String label63 = "a".repeat(63);
    String name251 = String.join(".", label63, label63, label63, "a".repeat(59));
    String name253 = name251 + "aa";

    assertThat(BackendTarget.parse(name251 + ":80").host()).isEqualTo(name251);
    assertThat(new BackendTarget(name253, 80).host()).isEqualTo(name253);
    assertThatThrownBy(() -> new BackendTarget(name253 + "a", 80))
        .isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> BackendTarget.parse("a".repeat(64) + ":80"))
        .isInstanceOf(InvalidValueException.class);
    // The stored column holds 255 characters: with dns:/// in front, this one does not fit.
    assertThatThrownBy(() -> BackendTarget.parse("dns:///" + name251 + ":80"))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("1-255 characters");
  }

  @Test
  void theConstructor_checksHostAndPortToo() {
    assertThatThrownBy(() -> new BackendTarget("[::1]", 80))
        .isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> new BackendTarget("backend", 0))
        .isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> new BackendTarget("backend/x", 80))
        .isInstanceOf(InvalidValueException.class);
  }

  @Test
  void rejections_neverRepeatTheText() {
    assertThatThrownBy(() -> BackendTarget.parse("secret-token@backend:80"))
        .isInstanceOf(InvalidValueException.class)
        .message()
        .doesNotContain("secret-token");
  }

  @Test
  void idRules_acceptExactlyWhatTheParserAccepts_andKeepTheTextAsWritten() {
    assertThat(IdRules.backendTarget("dns:///b.internal:80")).isEqualTo("dns:///b.internal:80");
    assertThat(IdRules.backendTarget("[::1]:80")).isEqualTo("[::1]:80");
    assertThatThrownBy(() -> IdRules.backendTarget("dns:///b.internal"))
        .isInstanceOf(InvalidValueException.class);
  }

  // The edges of each rule, one character or one group either side (found by PIT).
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "255.255.255.255:80", "az.AZ.b09:80", "b:10", "b:19", "b:109",
        "[1:2:3:4:5:6:1.2.3.4]:80", "[1:2:3:4:5:6::7]:80",
        "[0000:0000:0000:0000:0000:ffff:255.255.255.255]:80",
      })
  void parse_acceptsTheEdgesOfEachRule(String text) {
    assertThat(BackendTarget.parse(text).authority()).isEqualTo(text);
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(
      strings = {
        "a`b:80", "a{b:80", "a@b:80", "a[b:80", "a.0:80", "a.9:80", "1000.0.0.1:80",
        "[1::2:3:4:5:6:7:8]:80", "[00000:0000:0000:0000:0000:ffff:255.255.255.255]:80",
      })
  void parse_refusesJustPastTheEdges(String text) {
    assertThatThrownBy(() -> BackendTarget.parse(text)).isInstanceOf(InvalidValueException.class);
  }

  @Test
  void parse_takesExactly255Characters() {
    String host252 = String.join(".", "a".repeat(63), "a".repeat(63), "a".repeat(63), "a".repeat(60));
    assertThat(BackendTarget.parse(host252 + ":80").host()).isEqualTo(host252);
    assertThatThrownBy(() -> BackendTarget.parse(host252 + ":800")).isInstanceOf(InvalidValueException.class);
  }

  // The list form: list:///address,address,... of IP literals.

  @Test
  void parse_acceptsAListOfIpLiterals_inOrder() {
    BackendTarget target = BackendTarget.parse("list:///10.0.0.1:8080,10.0.0.2:8081,[fd00::3]:80");

    assertThat(target.form()).isEqualTo(BackendTarget.Form.LIST);
    assertThat(target.addresses()).containsExactly(
        new BackendAddress("10.0.0.1", 8080), new BackendAddress("10.0.0.2", 8081),
        new BackendAddress("fd00::3", 80));
    assertThat(target.grpcTarget()).isEqualTo("list:///10.0.0.1:8080,10.0.0.2:8081,%5Bfd00::3%5D:80");
    assertThat(target).hasToString("list:///10.0.0.1:8080,10.0.0.2:8081,[fd00::3]:80");
    assertThat(BackendTarget.parse(target.toString())).isEqualTo(target);
    // A channel has one authority: the first instance's.
    assertThat(target.authority()).isEqualTo("10.0.0.1:8080");
    assertThat(BackendTarget.parse("list:///127.0.0.1:1").addresses()).hasSize(1);
  }

  @Test
  void aList_isNotTheSameBackendAsItsFirstAddress() {
    assertThat(BackendTarget.parse("list:///10.0.0.1:80"))
        .isNotEqualTo(BackendTarget.parse("10.0.0.1:80"));
    assertThat(BackendTarget.parse("10.0.0.1:80").form()).isEqualTo(BackendTarget.Form.DNS);
  }

  @Test
  void parse_takesUpToSixteenInstances_withinTheStoredLimit() {
    String sixteen = "list:///" + instances(16);
    assertThat(BackendTarget.parse(sixteen).addresses()).hasSize(BackendTarget.MAX_INSTANCES);
    assertThatThrownBy(() -> BackendTarget.parse("list:///" + instances(17)))
        .isInstanceOf(InvalidValueException.class)
        .hasMessage("backend target: a list names at most 16 addresses");
  }

  @ParameterizedTest(name = "[{0}] {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "list:/// | a list names at least one address",
        "list:///, | entry 1 of the list is empty",
        "list:///10.0.0.1:80, | entry 2 of the list is empty",
        "list:///10.0.0.1:80,,10.0.0.2:80 | entry 2 of the list is empty",
        "list:///,10.0.0.1:80 | entry 1 of the list is empty",
        "list:///10.0.0.1:80,10.0.0.1:80 | entry 2 of the list repeats an earlier address",
        "list:///[::1]:80,[0:0::1]:80 | entry 2 of the list repeats an earlier address",
        "list:///[::ffff:10.0.0.1]:80,10.0.0.1:80 | entry 2 of the list repeats an earlier address",
        "list:///10.0.0.1:80,10.0.0.2:0 | entry 2 of the list: the port must be a number 1-65535",
        "list:///10.0.0.1:80,10.0.0.2:65536 | entry 2 of the list: the port must be 1-65535",
        "list:///10.0.0.1:80,10.0.0.2:080 | entry 2 of the list: the port must be a number 1-65535",
        "list:///10.0.0.1:80,10.0.0.2 | entry 2 of the list: must be host:port, [ipv6]:port or dns:///host:port (no port found)",
        "list:///10.0.0.1:80,10.0.0.2: | entry 2 of the list: the port must be a number 1-65535",
        "list:///10.0.0.1:80, 10.0.0.2:80 | entry 2 of the list: the host is not a DNS name, an IPv4 literal or an IPv6 literal",
        "list:///backend.internal:80 | entry 1 of the list is not an IP literal (a name with several addresses is written host:port, the dns form)",
        "list:///10.0.0.1:80;10.0.0.2:80 | entry 1 of the list: only the dns:/// and list:/// schemes are supported, and IPv6 literals need brackets",
        "list:///::1:80 | entry 1 of the list: only the dns:/// and list:/// schemes are supported, and IPv6 literals need brackets",
        "list://10.0.0.1:80 | the list scheme is accepted only as list:///address,address,...",
        "list:/10.0.0.1:80 | the list scheme is accepted only as list:///address,address,...",
        "list:10.0.0.1:80 | only the dns:/// and list:/// schemes are supported, and IPv6 literals need brackets",
        "list:///dns:///10.0.0.1:80 | entry 1 of the list: only the dns:/// and list:/// schemes are supported, and IPv6 literals need brackets",
      })
  void parse_refusesMalformedLists_withAClearReason(String text, String reason) {
    assertThatThrownBy(() -> BackendTarget.parse(text))
        .isInstanceOf(InvalidValueException.class)
        .hasMessage("backend target: " + reason);
  }

  @Test
  void parse_refusesAListOverTheStoredLimit() {
    // Eleven long IPv4 instances fit in 255 characters; twelve do not.
    String eleven = "list:///" + longInstances(11);
    assertThat(eleven.length()).isLessThanOrEqualTo(BackendTarget.MAX_LENGTH);
    assertThat(BackendTarget.parse(eleven).addresses()).hasSize(11);
    assertThatThrownBy(() -> BackendTarget.parse("list:///" + longInstances(12)))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("1-255 characters");
  }

  @Test
  void theListConstructor_checksItsInstancesToo() {
    assertThatThrownBy(() -> BackendTarget.list(java.util.List.of()))
        .isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> BackendTarget.list(java.util.List.of(new BackendAddress("b", 80))))
        .isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> new BackendTarget(BackendTarget.Form.DNS, java.util.List.of(
            new BackendAddress("10.0.0.1", 80), new BackendAddress("10.0.0.2", 80))))
        .isInstanceOf(InvalidValueException.class);
  }

  @Test
  void idRules_acceptLists_asWritten() {
    assertThat(IdRules.backendTarget("list:///10.0.0.1:80,10.0.0.2:80"))
        .isEqualTo("list:///10.0.0.1:80,10.0.0.2:80");
    assertThatThrownBy(() -> IdRules.backendTarget("list:///10.0.0.1:80,"))
        .isInstanceOf(InvalidValueException.class);
  }

  private static String instances(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      b.append(i == 1 ? "" : ",").append("10.0.0.").append(i).append(":80");
    }
    return b.toString();
  }

  private static String longInstances(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      b.append(i == 1 ? "" : ",").append("192.168.100.").append(100 + i).append(":65535");
    }
    return b.toString();
  }
}
