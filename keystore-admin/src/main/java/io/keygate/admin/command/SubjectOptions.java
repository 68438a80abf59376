package io.keygate.admin.command;

import io.keygate.hsm.CertificateProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.util.IPAddress;
import picocli.CommandLine.Option;

/** Subject and subjectAltNames of a certificate or CSR for a token key. */
public final class SubjectOptions {
  @Option(names = "--cn", required = true, paramLabel = "NAME", description = "subject common name")
  String commonName;

  @Option(
      names = "--dns",
      split = ",",
      paramLabel = "NAME",
      description = "subjectAltName DNS name (repeat or separate with commas)")
  List<String> dnsNames = new ArrayList<>();

  @Option(
      names = "--ip",
      split = ",",
      paramLabel = "ADDRESS",
      description = "subjectAltName IP address (repeat or separate with commas)")
  List<String> ipAddresses = new ArrayList<>();

  /**
   * The profile for the adapter. Addresses are checked here: a bad one would otherwise fail deep
   * inside key generation with a message that does not name it.
   */
  CertificateProfile profile(Duration validity) {
    check();
    return new CertificateProfile(commonName, dnsNames, ipAddresses, validity);
  }

  /**
   * The same checks for a key the gateway generates ({@code tls prepare}): there a bad address
   * would come back as the server's generic INVALID_ARGUMENT, which does not name it either.
   */
  public void check() {
    for (String ip : ipAddresses) {
      if (!IPAddress.isValid(ip)) {
        throw new IllegalArgumentException("--ip " + ip + " is not an IPv4 or IPv6 address");
      }
    }
    if (commonName.isBlank()) {
      throw new IllegalArgumentException("--cn must not be empty");
    }
  }

  public String commonName() {
    return commonName;
  }

  public List<String> dnsNames() {
    return List.copyOf(dnsNames);
  }

  public List<String> ipAddresses() {
    return List.copyOf(ipAddresses);
  }

  static Duration days(int days) {
    if (days <= 0) {
      throw new IllegalArgumentException("--days must be positive");
    }
    return Duration.ofDays(days);
  }
}
