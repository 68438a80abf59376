package io.keygate.admin.command;

import io.keygate.admin.cli.AdminException;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.ExitCode;
import io.keygate.admin.cli.Output;
import io.keygate.admin.pki.Pem;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyLabel;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "import-cert",
    description = {
      "Installs a CA-issued certificate chain (PEM, leaf first) for a token EC key.",
      "The leaf must carry the key's public key and each certificate must be signed by the next."
    })
public final class BootstrapImportCertCommand extends Verb {
  @Mixin TokenOptions token;

  @Option(
      names = "--label",
      defaultValue = "gateway-tls",
      converter = KeyLabelConverter.class,
      description = "label of the EC key (default: ${DEFAULT-VALUE})")
  KeyLabel label;

  @Option(
      names = "--chain",
      required = true,
      paramLabel = "FILE",
      description = "PEM chain, leaf first")
  Path chainFile;

  @Override
  protected void execute(CliEnvironment env, Output out) throws Exception {
    List<X509Certificate> chain = Pem.readCertificates(chainFile);
    try (HsmToken hsm = token.open(env, out)) {
      // Checked here as well as in the adapter, to say which file and what to do about it.
      if (!hsm.publicKey(label).equals(chain.get(0).getPublicKey())) {
        throw new AdminException(
            ExitCode.FAILED,
            "the first certificate in "
                + chainFile
                + " does not match key '"
                + label
                + "' (its public key is another key's): was it issued for a CSR of this key,"
                + " and is the leaf first?");
      }
      hsm.installCertificateChain(label, chain);
      List<Object> certs = new ArrayList<>();
      StringBuilder text = new StringBuilder();
      text.append("Installed ")
          .append(chain.size())
          .append(" certificate(s) for key '")
          .append(label)
          .append("':\n");
      for (X509Certificate cert : chain) {
        certs.add(Views.certificate(cert));
        text.append("  ").append(Views.certificateLine(cert));
      }
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("label", label.value());
      json.put("chain", certs);
      out.result(json, text.toString());
    }
  }
}
