package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.admin.command.KeyLabelConverter;
import io.keygate.admin.pki.Pem;
import io.keygate.hsm.KeyLabel;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.InstallTlsCertificateRequest;
import io.keygate.proto.admin.v1.TlsKey;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "install-cert",
    description = {
      "Installs the chain your CA issued (PEM, leaf first) on a prepared TLS key.",
      "The gateway checks that the leaf carries the key's public key; a key being served is"
          + " refused."
    })
public final class TlsInstallCertCommand extends AdminVerb {
  @Option(
      names = "--label",
      required = true,
      converter = KeyLabelConverter.class,
      description = "the prepared key (see 'tls list')")
  KeyLabel label;

  @Option(
      names = "--chain",
      required = true,
      paramLabel = "FILE",
      description = "PEM chain, leaf first")
  Path chainFile;

  private List<X509Certificate> chain;

  @Override
  protected void beforeCall(CliEnvironment env) throws Exception {
    // Read before connecting: a missing or non-PEM file is a usage error, not a server round trip.
    chain = Pem.readCertificates(chainFile);
  }

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out)
      throws Exception {
    // Re-encoded from what was parsed, so the gateway stores exactly these certificates and none
    // of the text tools put around them (OpenSSL's "Bag Attributes", comments).
    TlsKey k =
        admin.installTlsCertificate(
            InstallTlsCertificateRequest.newBuilder()
                .setLabel(label.value())
                .setCertificateChainPem(Pem.certificates(chain))
                .build());
    out.result(
        ProtoViews.tlsKey(k),
        "Installed a chain of "
            + chain.size()
            + " certificate(s) on TLS key '"
            + k.getLabel()
            + "':\n"
            + ProtoViews.tlsKeyText(k)
            + "Serve it with\n"
            + "  keystore-admin approval request activate-tls-key --label "
            + k.getLabel()
            + " [--listener admin] --reason TEXT\n");
  }
}
