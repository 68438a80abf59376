package io.keygate.hsm;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.util.IPAddress;

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

  /** X.520's upper bound for a common name. */
  public static final int MAX_COMMON_NAME = 64;
  /** subjectAltName entries, DNS and IP together: enough for any server, bounded for callers. */
  public static final int MAX_ALT_NAMES = 100;

  private static final Pattern DNS_NAME = Pattern.compile(
      "(\\*\\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)*"
          + "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

  /**
   * @throws IllegalArgumentException for a blank or overlong common name, a malformed DNS name
   *     or IP address, too many alternative names, or a validity that is not positive; checked
   *     here so a bad value is the caller's mistake, not a failure inside the token
   */
  public CertificateProfile {
    if (commonName == null || commonName.isBlank() || commonName.length() > MAX_COMMON_NAME) {
      throw new IllegalArgumentException("commonName must be 1-64 characters");
    }
    dnsNames = List.copyOf(dnsNames);
    ipAddresses = List.copyOf(ipAddresses);
    if (dnsNames.size() + ipAddresses.size() > MAX_ALT_NAMES) {
      throw new IllegalArgumentException("at most 100 DNS names and IP addresses together");
    }
    for (String dns : dnsNames) {
      if (dns.length() > 253 || !DNS_NAME.matcher(dns).matches()) {
        throw new IllegalArgumentException("not a DNS name: " + dns);
      }
    }
    for (String ip : ipAddresses) {
      if (!IPAddress.isValid(ip)) {
        throw new IllegalArgumentException("not an IP address: " + ip);
      }
    }
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
