package io.keygate.admin.command;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.admin.cli.OutputFiles;
import io.keygate.admin.pki.AdminCertificates;
import io.keygate.admin.pki.Pem;
import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyInfo;
import io.keygate.hsm.KeyLabel;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "admin-ca",
    description = {
      "Creates the admin CA: an EC P-256 key inside the token with a self-signed CA certificate.",
      "The gateway's admin port trusts client certificates issued by it ('bootstrap officer-cert')."
    })
public final class BootstrapAdminCaCommand extends Verb {
  @Mixin TokenOptions token;

  @Option(
      names = "--label",
      defaultValue = "admin-ca",
      converter = KeyLabelConverter.class,
      description = "key label (default: ${DEFAULT-VALUE})")
  KeyLabel label;

  @Option(names = "--cn", required = true, paramLabel = "NAME", description = "CA common name")
  String commonName;

  @Option(
      names = "--days",
      defaultValue = "3650",
      description = "validity (default: ${DEFAULT-VALUE})")
  int days;

  @Option(
      names = "--cert-out",
      paramLabel = "FILE",
      description = "write the CA certificate PEM to FILE instead of stdout")
  Path certOut;

  @Override
  protected void execute(CliEnvironment env, Output out) throws Exception {
    Duration validity = SubjectOptions.days(days);
    OutputFiles.requireAbsent(certOut);
    try (HsmToken hsm = token.open(env, out)) {
      // The adapter can only generate a key together with an end-entity certificate; that one
      // lives for a moment and is then replaced by the CA certificate built for the same key.
      hsm.generateEcKey(label, new CertificateProfile(commonName, List.of(), List.of(), validity));
      X509Certificate ca =
          new AdminCertificates(env.random())
              .selfSignedCa(hsm, label, commonName, validity, env.clock().instant());
      hsm.installCertificateChain(label, List.of(ca));
      KeyInfo info = hsm.describeKey(label).orElseThrow();
      String pem = Pem.certificate(ca);
      if (certOut != null) {
        OutputFiles.createPublic(certOut, pem);
      }
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("key", Views.key(info));
      Map<String, Object> certJson = Views.certificate(ca);
      certJson.put(certOut == null ? "pem" : "file", certOut == null ? pem : certOut.toString());
      json.put("certificate", certJson);
      out.result(
          json,
          "Created admin CA key '"
              + label
              + "' in the token: "
              + Views.protection(info)
              + "\n"
              + "CA "
              + Views.certificateLine(ca)
              + "Configure the gateway's admin port to trust this CA for client certificates.\n"
              + (certOut == null ? pem : "CA certificate written to " + certOut + "\n"));
    }
  }
}
