package io.keygate.hsm;

import java.time.Duration;
import java.util.List;

/**
 * What goes into a certificate or CSR for a token EC key.
 *
 * @param commonName the subject CN
 * @param dnsNames subjectAltName DNS entries (e.g. "localhost")
 * @param ipAddresses subjectAltName IP entries (e.g. "127.0.0.1")
 * @param validity how long a self-signed certificate is valid
 */
public record CertificateProfile(
    String commonName, List<String> dnsNames, List<String> ipAddresses, Duration validity) {

  public CertificateProfile {
    if (commonName == null || commonName.isBlank()) {
      throw new IllegalArgumentException("commonName is required");
    }
    dnsNames = List.copyOf(dnsNames);
    ipAddresses = List.copyOf(ipAddresses);
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("validity must be positive");
    }
  }

  /** A profile for a server on this machine: CN and SANs for localhost and 127.0.0.1. */
  public static CertificateProfile localhost(String commonName, Duration validity) {
    return new CertificateProfile(
        commonName, List.of("localhost"), List.of("127.0.0.1", "::1"), validity);
  }
}
