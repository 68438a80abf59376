package io.keygate.admin.command;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.admin.cli.OutputFiles;
import io.keygate.admin.pki.Pem;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyLabel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "csr",
    description = {
      "Writes a PKCS#10 certificate signing request (PEM) for a token EC key, signed in the token.",
      "Its subject is CN=<cn>,SERIALNUMBER=<label>; give it to your CA, then 'bootstrap"
          + " import-cert'."
    })
public final class BootstrapCsrCommand extends Verb {
  /** A CSR carries no validity; the adapter's profile wants one, and ignores it for requests. */
  private static final Duration UNUSED_VALIDITY = Duration.ofDays(1);

  @Mixin TokenOptions token;
  @Mixin SubjectOptions subject;

  @Option(
      names = "--label",
      defaultValue = "gateway-tls",
      converter = KeyLabelConverter.class,
      description = "label of the EC key (default: ${DEFAULT-VALUE})")
  KeyLabel label;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "write the CSR PEM to FILE (default: stdout)")
  Path csrOut;

  @Override
  protected void execute(CliEnvironment env, Output out) throws Exception {
    var profile = subject.profile(UNUSED_VALIDITY);
    OutputFiles.requireAbsent(csrOut);
    try (HsmToken hsm = token.open(env, out)) {
      byte[] der = hsm.certificationRequest(label, profile);
      String pem = Pem.encode("CERTIFICATE REQUEST", der);
      if (csrOut != null) {
        OutputFiles.createPublic(csrOut, pem);
      }
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("label", label.value());
      json.put("subject", new PKCS10CertificationRequest(der).getSubject().toString());
      json.put(csrOut == null ? "pem" : "file", csrOut == null ? pem : csrOut.toString());
      out.result(
          json,
          csrOut == null
              ? pem
              : "Certificate signing request for key '" + label + "' written to " + csrOut + "\n");
    }
  }
}
