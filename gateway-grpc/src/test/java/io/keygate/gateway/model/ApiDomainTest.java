package io.keygate.gateway.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a tenant's domain may be, and which host a call's authority names: the two halves of
 * routing by domain. A lax rule here would let two spellings of one host belong to two tenants.
 */
class ApiDomainTest {
  private static final String LABEL_63 = "a".repeat(63);

  @ParameterizedTest
  @ValueSource(strings = {
      "localhost", "api.acme.example", "a", "x-1.example", "127.0.0.1", "0.example", "a-b-c.d"})
  void accepts_lowerCaseDnsNames(String domain) {
    assertThat(ApiDomain.domain(domain)).isEqualTo(domain);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "Api.Acme.Example", "api.acme.example.", ".api.acme.example", "api..acme",
      "-api.example", "api-.example", "*.acme.example", "api.acme.example:443", "api acme",
      "[::1]", "api_acme.example", "api.acme.example/", "ápi.example"})
  void refuses_anythingElse(String domain) {
    assertThatThrownBy(() -> ApiDomain.domain(domain))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("lower-case DNS name");
  }

  @org.junit.jupiter.api.Test
  void lengthLimits_areInclusive() {
    assertThat(ApiDomain.domain(LABEL_63 + ".example")).startsWith(LABEL_63);
    assertThatThrownBy(() -> ApiDomain.domain("a" + LABEL_63 + ".example"))
        .isInstanceOf(InvalidValueException.class);
    // Labels of 63, 63, 63 and 61 characters with their dots: 253 characters in all.
    String exactly253 = String.join(".", LABEL_63, LABEL_63, LABEL_63, "a".repeat(61));
    assertThat(exactly253).hasSize(253);
    assertThat(ApiDomain.domain(exactly253)).isEqualTo(exactly253);
    // One more character in the last label: every label still valid, the name too long.
    String tooLong = String.join(".", LABEL_63, LABEL_63, LABEL_63, "a".repeat(62));
    assertThatThrownBy(() -> ApiDomain.domain(tooLong)).isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> ApiDomain.domain(null)).isInstanceOf(NullPointerException.class);
  }

  @ParameterizedTest
  @CsvSource({
      "api.acme.example:443, api.acme.example",
      "API.Acme.Example:8443, api.acme.example",
      "api.acme.example, api.acme.example",
      "localhost:1, localhost",
      "127.0.0.1:443, 127.0.0.1",
      "a:b:443, a:b",
      "'[::1]:443', ''",
      "'[::1]', ''",
      "'', ''"})
  void hostOf_isTheLowerCaseHostWithoutPort(String authority, String host) {
    assertThat(ApiDomain.hostOf(authority)).isEqualTo(host);
  }

  @org.junit.jupiter.api.Test
  void hostOf_null_isNoHost() {
    assertThat(ApiDomain.hostOf(null)).isEmpty();
  }
}
