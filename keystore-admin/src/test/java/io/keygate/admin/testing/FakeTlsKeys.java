package io.keygate.admin.testing;

import io.keygate.proto.admin.v1.InstallTlsCertificateRequest;
import io.keygate.proto.admin.v1.ListTlsKeysResponse;
import io.keygate.proto.admin.v1.PrepareTlsKeyRequest;
import io.keygate.proto.admin.v1.TlsKey;
import java.util.List;

/**
 * The TLS-key answers of {@link FakeAdminService}: canned keys shaped like the gateway's (subject
 * with the label as serialNumber, 90 days unless asked otherwise). Nothing is generated or kept.
 */
public final class FakeTlsKeys {
  public static final String CSR_PEM =
      "-----BEGIN CERTIFICATE REQUEST-----\nMIIBfake\n-----END CERTIFICATE REQUEST-----\n";
  public static final String DEFAULT_LABEL = "gateway-tls-20270115-080000";

  private FakeTlsKeys() {}

  /** A key as the gateway describes it; {@code served} are the listeners serving it. */
  public static TlsKey key(String label, String commonName, String... served) {
    String subject = "SERIALNUMBER=" + label + ",CN=" + commonName;
    return TlsKey.newBuilder()
        .setLabel(label)
        .addAllServedBy(List.of(served))
        .setSubject(subject)
        .setIssuer(subject)
        .setNotBefore(FakeApprovals.at(FakeApprovals.NOW))
        .setNotAfter(FakeApprovals.at(FakeApprovals.NOW + 90L * 86400))
        .setCertificateSha256("ef".repeat(32))
        .setCertificateChainPem(
            "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n")
        .build();
  }

  static TlsKey prepare(PrepareTlsKeyRequest r) {
    String label = r.getLabel().isEmpty() ? DEFAULT_LABEL : r.getLabel();
    int days = r.getValidityDays() == 0 ? 90 : r.getValidityDays();
    return key(label, r.getCommonName()).toBuilder()
        .setNotAfter(FakeApprovals.at(FakeApprovals.NOW + days * 86400L))
        .setCsrPem(CSR_PEM)
        .build();
  }

  static TlsKey install(InstallTlsCertificateRequest r) {
    return key(r.getLabel(), "gw.example.com").toBuilder()
        .setIssuer("CN=Example CA")
        .setCertificateChainPem(r.getCertificateChainPem())
        .build();
  }

  static ListTlsKeysResponse list() {
    return ListTlsKeysResponse.newBuilder()
        .addKeys(key("gateway-tls", "gw.example.com", "ingress", "admin"))
        .addKeys(key("gateway-tls-2", "gw.example.com"))
        .build();
  }
}
