package io.keygate.admin.command;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.admin.cli.OutputFiles;
import io.keygate.admin.pki.Pem;
import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyInfo;
import io.keygate.hsm.KeyLabel;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "tls-key",
    description = {
      "Generates the gateway's TLS key (EC P-256) inside the token, with a self-signed"
          + " certificate signed by that key.",
      "For a CA-issued certificate, follow with 'bootstrap csr' and 'bootstrap import-cert'."
    })
public final class BootstrapTlsKeyCommand extends Verb {
  @Mixin TokenOptions token;
  @Mixin SubjectOptions subject;

  @Option(
      names = "--label",
      defaultValue = "gateway-tls",
      converter = KeyLabelConverter.class,
      description = "key label (default: ${DEFAULT-VALUE}; the gateway's KEYGATE_TLS_KEY)")
  KeyLabel label;

  @Option(
      names = "--days",
      defaultValue = "365",
      description = "validity (default: ${DEFAULT-VALUE})")
  int days;

  @Option(
      names = "--cert-out",
      paramLabel = "FILE",
      description = "write the certificate PEM to FILE instead of stdout")
  Path certOut;

  @Override
  protected void execute(CliEnvironment env, Output out) throws Exception {
    generate(env, out, token, subject.profile(SubjectOptions.days(days)), label, certOut);
  }

  /**
   * Generates an EC P-256 key with a self-signed certificate in the token and shows (or writes)
   * the certificate; shared with {@code bootstrap backend-client-key}.
   */
  static void generate(CliEnvironment env, Output out, TokenOptions token,
      CertificateProfile profile, KeyLabel label, Path certOut) throws Exception {
    OutputFiles.requireAbsent(certOut);
    try (HsmToken hsm = token.open(env, out)) {
      KeyInfo info = hsm.generateEcKey(label, profile);
      X509Certificate cert = hsm.certificateChain(label).get(0);
      String pem = Pem.certificate(cert);
      if (certOut != null) {
        OutputFiles.createPublic(certOut, pem);
      }
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("key", Views.key(info));
      Map<String, Object> certJson = Views.certificate(cert);
      certJson.put(certOut == null ? "pem" : "file", certOut == null ? pem : certOut.toString());
      json.put("certificate", certJson);
      out.result(
          json,
          "Generated EC P-256 key '"
              + label
              + "' in the token: "
              + Views.protection(info)
              + "\n"
              + "Self-signed "
              + Views.certificateLine(cert)
              + (certOut == null ? pem : "Certificate written to " + certOut + "\n"));
    }
  }
}
