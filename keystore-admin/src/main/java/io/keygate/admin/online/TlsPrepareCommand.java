package io.keygate.admin.online;

import io.keygate.admin.cli.AdminException;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.ExitCode;
import io.keygate.admin.cli.Output;
import io.keygate.admin.cli.OutputFiles;
import io.keygate.admin.command.KeyLabelConverter;
import io.keygate.admin.command.SubjectOptions;
import io.keygate.hsm.KeyLabel;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.PrepareTlsKeyRequest;
import io.keygate.proto.admin.v1.TlsKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "prepare",
    description = {
      "Generates a new TLS key (EC P-256) in the gateway's HSM with a self-signed certificate,"
          + " and a CSR for your CA.",
      "Nothing serves it until 'approval request activate-tls-key' is approved."
    })
public final class TlsPrepareCommand extends AdminVerb {
  @Mixin SubjectOptions subject;

  @Option(
      names = "--label",
      converter = KeyLabelConverter.class,
      description = "label of the new key (default: the gateway picks gateway-tls-<UTC time>)")
  KeyLabel label;

  @Option(
      names = "--days",
      paramLabel = "N",
      description = "validity of the self-signed certificate, 1..825 (default: 90)")
  Integer days;

  @Option(
      names = "--csr-out",
      paramLabel = "FILE",
      description = "write the CSR PEM to FILE, a new file (default: stdout)")
  Path csrOut;

  @Override
  protected void beforeCall(CliEnvironment env) throws IOException {
    subject.check();
    if (subject.dnsNames().isEmpty() && subject.ipAddresses().isEmpty()) {
      throw new IllegalArgumentException(
          "give at least one --dns or --ip: clients check the certificate's subjectAltNames");
    }
    // 0 on the wire means "the default": a typed 0 must not silently become 90 days.
    if (days != null && days <= 0) {
      throw new IllegalArgumentException("--days must be positive");
    }
    // Before the call: the CSR is in this one response only, so its file must be free first.
    OutputFiles.requireAbsent(csrOut);
  }

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out)
      throws AdminException {
    PrepareTlsKeyRequest.Builder request =
        PrepareTlsKeyRequest.newBuilder()
            .setCommonName(subject.commonName())
            .addAllDnsNames(subject.dnsNames())
            .addAllIpAddresses(subject.ipAddresses());
    if (label != null) {
      request.setLabel(label.value());
    }
    if (days != null) {
      request.setValidityDays(days);
    }
    TlsKey k = admin.prepareTlsKey(request.build());
    if (csrOut != null) {
      writeCsr(k);
    }
    Map<String, Object> json = ProtoViews.tlsKey(k);
    if (csrOut == null) {
      json.put("csrPem", k.getCsrPem());
    } else {
      json.put("csrFile", csrOut.toString());
    }
    out.result(json, text(k));
  }

  private void writeCsr(TlsKey k) throws AdminException {
    try {
      OutputFiles.createPublic(csrOut, k.getCsrPem());
    } catch (IOException e) {
      throw new AdminException(
          ExitCode.FAILED,
          "TLS key '"
              + k.getLabel()
              + "' was prepared but its CSR could not be written to "
              + csrOut
              + " ("
              + e.getClass().getSimpleName()
              + "); the gateway returns a CSR only once: prepare another key (the unused one is"
              + " listed by 'tls list' and can be destroyed with 'approval request destroy-key')",
          e);
    }
  }

  private String text(TlsKey k) {
    String activate =
        "keystore-admin approval request activate-tls-key --label "
            + k.getLabel()
            + " [--listener admin] --reason TEXT";
    return "Prepared TLS key '"
        + k.getLabel()
        + "' (EC P-256) in the gateway's HSM, with a self-signed certificate:\n"
        + ProtoViews.tlsKeyText(k)
        + (csrOut == null ? k.getCsrPem() : "CSR written to " + csrOut + "\n")
        + "Next: have your CA sign the CSR, then\n"
        + "  keystore-admin tls install-cert --label "
        + k.getLabel()
        + " --chain CHAIN.pem\n"
        + "and serve it (or serve the self-signed certificate as it is) with\n"
        + "  "
        + activate
        + "\n";
  }
}
