package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.admin.pki.Pem;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.BackendTls;
import io.keygate.proto.admin.v1.BackendTlsMode;
import io.keygate.proto.admin.v1.SetBackendTlsRequest;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "set",
    description = {
      "Sets how gateway nodes connect to a backend target, replacing its policy. Every node"
          + " rebuilds its channel to the backend within its configuration poll.",
      "tls and mtls trust only the --anchors given (not the JDK's CAs) and require the"
          + " backend's certificate to carry --server-name; mtls also presents the certificate"
          + " of the HSM key --client-key (see 'bootstrap backend-client-key')."
    })
public final class BackendTlsSetCommand extends AdminVerb {
  enum Mode { plaintext, tls, mtls }

  @Option(names = "--backend", required = true, paramLabel = "TARGET",
      description = "backend target (host:port, dns:///host:port or list:///…)")
  String backend;

  @Option(names = "--mode", required = true, description = "plaintext, tls or mtls")
  Mode mode;

  @Option(names = "--anchors", paramLabel = "FILE",
      description = "PEM file of the CA certificates (1 to 8) the backend's chain must end at")
  Path anchorsFile;

  @Option(names = "--server-name", paramLabel = "NAME",
      description = "the DNS name (or IPv4 address) the backend's certificate must carry")
  String serverName = "";

  @Option(names = "--client-key", paramLabel = "LABEL",
      description = "mtls: the HSM key whose certificate the gateway presents")
  String clientKey = "";

  private List<X509Certificate> anchors = List.of();

  @Override
  protected void beforeCall(CliEnvironment env) throws Exception {
    // Read before connecting: a missing or non-PEM file is a usage error, not a round trip.
    if (anchorsFile != null) {
      anchors = Pem.readCertificates(anchorsFile);
    }
  }

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out)
      throws Exception {
    BackendTls set = admin.setBackendTls(SetBackendTlsRequest.newBuilder()
        .setPolicy(BackendTls.newBuilder()
            .setBackendTarget(backend)
            .setMode(switch (mode) {
              case plaintext -> BackendTlsMode.BACKEND_TLS_PLAINTEXT;
              case tls -> BackendTlsMode.BACKEND_TLS;
              case mtls -> BackendTlsMode.BACKEND_MTLS;
            })
            // Re-encoded from what was parsed: exactly these certificates, none of the text
            // around them.
            .setTrustAnchorsPem(anchors.isEmpty() ? "" : Pem.certificates(anchors))
            .setServerName(serverName)
            .setClientKeyLabel(clientKey))
        .build());
    out.result(BackendTlsView.map(set), "Set " + BackendTlsView.text(set));
  }
}
