package io.keygate.admin.command;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.hsm.KeyLabel;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "backend-client-key",
    description = {
      "Generates the key (EC P-256) the gateway presents to backends that ask for mutual TLS,"
          + " inside the token (sensitive, never extractable), with a self-signed certificate"
          + " (extendedKeyUsage clientAuth) signed by that key.",
      "Give the certificate to the backends as their client CA, or have a CA the backends trust"
          + " issue one: 'bootstrap csr --label L' and 'bootstrap import-cert --label L'.",
      "Then name it in the backend's policy: 'backend-tls set --mode mtls --client-key L'."
    })
public final class BootstrapBackendClientKeyCommand extends Verb {
  @Mixin TokenOptions token;
  @Mixin SubjectOptions subject;

  @Option(
      names = "--label",
      defaultValue = "gateway-backend-client",
      converter = KeyLabelConverter.class,
      description = "key label (default: ${DEFAULT-VALUE})")
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
    BootstrapTlsKeyCommand.generate(
        env, out, token, subject.profile(SubjectOptions.days(days)), label, certOut);
  }
}
