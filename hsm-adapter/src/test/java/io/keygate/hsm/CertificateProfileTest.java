package io.keygate.hsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What goes into a certificate is checked before the token is asked to sign anything: a bad
 * value is the caller's mistake with a clear message, not an HSM failure.
 */
class CertificateProfileTest {
  private static final Duration DAY = Duration.ofDays(1);

  @Test
  void ordinaryServerNames_areAccepted() {
    CertificateProfile p = new CertificateProfile("gw.example.com",
        List.of("gw.example.com", "*.gw.example.com", "localhost", "xn--bcher-kva.example"),
        List.of("10.0.0.5", "127.0.0.1", "::1", "2001:db8::7"), DAY);

    assertThat(p.dnsNames()).hasSize(4);
    assertThat(p.ipAddresses()).hasSize(4);
  }

  @Test
  void malformedAddressesAndNames_areRefused() {
    assertThatThrownBy(() -> profile(List.of(), List.of("gateway.example.com")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an IP address");
    assertThatThrownBy(() -> profile(List.of(), List.of("999.1.1.1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> profile(List.of("bad name"), List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a DNS name");
    assertThatThrownBy(() -> profile(List.of("-leading.example"), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> profile(List.of("a".repeat(64) + ".example"), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sizesAreBounded() {
    assertThatThrownBy(() -> new CertificateProfile("x".repeat(65), List.of(), List.of(), DAY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CertificateProfile(" ", List.of(), List.of(), DAY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> profile(Collections.nCopies(101, "a.example"), List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 100");
    assertThatThrownBy(() -> new CertificateProfile("x", List.of(), List.of(), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static CertificateProfile profile(List<String> dns, List<String> ips) {
    return new CertificateProfile("gw", dns, ips, DAY);
  }
}
